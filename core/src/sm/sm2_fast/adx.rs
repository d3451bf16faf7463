//! Montgomery multiplication and squaring modulo the SM2 prime in x86-64 assembly with
//! MULX (BMI2) and the two carry chains of ADCX/ADOX (ADX), used when the CPU has both.
//!
//! The only `unsafe` code of the crate: `lib.rs` denies `unsafe_code` everywhere and allows it
//! for this module alone. Every `asm!` block only reads the two 32-byte inputs through the
//! references it is given, writes nothing but registers, and is reached only after
//! [`available`] saw BMI2 and ADX at run time; [`mul`] and [`square`] are safe functions that
//! return `None` without them, so the portable path (`field::Fe64`) stays the fallback and
//! the reference the tests and the fuzz target compare this code with.
//!
//! The algorithm is the portable one's: coarsely integrated operand scanning, four rounds of
//! "add a·b_i, then add m·p with m the low limb and drop it". Because the low limb of p is all
//! ones, −p⁻¹ mod 2⁶⁴ = 1 and m is the low limb itself; because of p's shape,
//! (t + m·p)/2⁶⁴ = (t ≫ 64) + m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1), which is two shifts and a
//! subtraction chain instead of four products. The accumulator stays below 2p between rounds
//! (inputs below p), and one conditional subtraction of p ends it. The squaring computes
//! each cross product once, doubles them, adds the squares, and reduces the low half only
//! (adding the high half after).

#![deny(unsafe_op_in_unsafe_fn)]

use std::sync::atomic::{AtomicU8, Ordering};

/// 0: not yet detected, 1: absent, 2: present.
static DETECTED: AtomicU8 = AtomicU8::new(0);

/// Whether this CPU has BMI2 and ADX (detected once, then cached).
#[inline(always)]
pub(crate) fn available() -> bool {
    match DETECTED.load(Ordering::Relaxed) {
        2 => true,
        1 => false,
        _ => detect(),
    }
}

#[cold]
fn detect() -> bool {
    let yes = std::is_x86_feature_detected!("bmi2") && std::is_x86_feature_detected!("adx");
    DETECTED.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
    yes
}

/// One round: acc (t0..t4, below 2p) += a·rdx, then Montgomery-reduce by the low limb and
/// shift, leaving the new accumulator in t0..t4 (t5 scratch). `$i` is the byte offset of
/// b_i. Registers: a in rsi, b in rdi, t0..t5 in r8..r13, scratch rax, rcx, rdx, r14, r15.
macro_rules! round {
    ($b:literal) => {
        concat!(
            "mov rdx, qword ptr [rdi + ",
            $b,
            "]\n",
            // acc += a·b_i: low halves on the CF chain, high halves on the OF chain.
            "xor r14d, r14d\n",
            "mulx r15, rax, qword ptr [rsi]\n",
            "adcx r8, rax\n",
            "adox r9, r15\n",
            "mulx r15, rax, qword ptr [rsi + 8]\n",
            "adcx r9, rax\n",
            "adox r10, r15\n",
            "mulx r15, rax, qword ptr [rsi + 16]\n",
            "adcx r10, rax\n",
            "adox r11, r15\n",
            "mulx r15, rax, qword ptr [rsi + 24]\n",
            "adcx r11, rax\n",
            "adox r12, r15\n",
            "mov r13d, 0\n",
            "adcx r12, r14\n",
            "adox r13, r14\n",
            "adcx r13, r14\n",
            // q = m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1) = [m, 0, 0, m] − [m≪32, m≫32, m≪32, m≫32].
            "mov rdx, r8\n",
            "mov rax, r8\n",
            "shl rax, 32\n",
            "mov r15, r8\n",
            "shr r15, 32\n",
            "sub r8, rax\n",
            "mov ecx, 0\n",
            "sbb rcx, r15\n",
            "mov r14d, 0\n",
            "sbb r14, rax\n",
            "sbb rdx, r15\n",
            // (t ≫ 64) + q, into r8..r12.
            "add r9, r8\n",
            "adc r10, rcx\n",
            "adc r11, r14\n",
            "adc r12, rdx\n",
            "adc r13, 0\n",
            "mov r8, r9\n",
            "mov r9, r10\n",
            "mov r10, r11\n",
            "mov r11, r12\n",
            "mov r12, r13\n",
        )
    };
}

/// acc (r8..r12, below 2p) reduced below p into rax, rcx, rdx, r14.
macro_rules! final_reduce {
    () => {
        concat!(
            "mov r15, 0xffffffff00000000\n",
            "mov r13, 0xfffffffeffffffff\n",
            "mov rax, r8\n",
            "mov rcx, r9\n",
            "mov rdx, r10\n",
            "mov r14, r11\n",
            "sub rax, -1\n",
            "sbb rcx, r15\n",
            "sbb rdx, -1\n",
            "sbb r14, r13\n",
            "sbb r12, 0\n",
            // A borrow: acc < p, keep it.
            "cmovc rax, r8\n",
            "cmovc rcx, r9\n",
            "cmovc rdx, r10\n",
            "cmovc r14, r11\n",
        )
    };
}

/// a·b·2⁻²⁵⁶ mod p for a, b below p (Montgomery form), or `None` without BMI2/ADX.
#[inline(always)]
pub(crate) fn mul(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    if !available() {
        return None;
    }
    // SAFETY: BMI2 and ADX were detected above.
    Some(unsafe { mul_adx(a, b) })
}

/// a²·2⁻²⁵⁶ mod p for a below p, or `None` without BMI2/ADX.
#[inline(always)]
pub(crate) fn square(a: &[u64; 4]) -> Option<[u64; 4]> {
    if !available() {
        return None;
    }
    // SAFETY: BMI2 and ADX were detected above.
    Some(unsafe { square_adx(a) })
}

/// One reduction round of the squaring: acc (r8..r11, below 2²⁵⁶) becomes
/// (acc + m·p)/2⁶⁴ for m = r8, which stays below 2²⁵⁶ (no carry out).
macro_rules! square_round {
    () => {
        concat!(
            "mov rdx, r8\n",
            "mov rax, r8\n",
            "shl rax, 32\n",
            "mov rcx, r8\n",
            "shr rcx, 32\n",
            "sub r8, rax\n",
            "mov esi, 0\n",
            "sbb rsi, rcx\n",
            "mov edi, 0\n",
            "sbb rdi, rax\n",
            "sbb rdx, rcx\n",
            "add r9, r8\n",
            "adc r10, rsi\n",
            "adc r11, rdi\n",
            "adc rdx, 0\n",
            "mov r8, r9\n",
            "mov r9, r10\n",
            "mov r10, r11\n",
            "mov r11, rdx\n",
        )
    };
}

/// # Safety
/// The CPU must support BMI2 and ADX.
///
/// a² = L + H·2²⁵⁶ (the cross products once, doubled, plus the squares), then
/// (L + m·p)/2²⁵⁶ by four rounds on L alone (below p + 1), plus H (below p): below 2p, one
/// conditional subtraction.
#[inline(always)]
unsafe fn square_adx(a: &[u64; 4]) -> [u64; 4] {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: as in `mul_adx`: the caller guarantees MULX/ADCX/ADOX; the block reads
    // a[0..4] through a pointer from a reference to [u64; 4], writes only declared registers,
    // uses no stack, and clobbers the flags (no `preserves_flags`).
    unsafe {
        core::arch::asm!(
            // Cross products a_i·a_j, i < j, into r9..r14 (r8 = r15 = 0).
            "xor r8d, r8d",
            "mov rdx, qword ptr [rsi]",
            "mulx r10, r9, qword ptr [rsi + 8]",
            "mulx r11, rax, qword ptr [rsi + 16]",
            "add r10, rax",
            "mulx r12, rax, qword ptr [rsi + 24]",
            "adc r11, rax",
            "adc r12, 0",
            "mov rdx, qword ptr [rsi + 8]",
            "xor r15d, r15d",
            "mulx rcx, rax, qword ptr [rsi + 16]",
            "adcx r11, rax",
            "adox r12, rcx",
            "mulx r13, rax, qword ptr [rsi + 24]",
            "adcx r12, rax",
            "adox r13, r15",
            "adcx r13, r15",
            "mov rdx, qword ptr [rsi + 16]",
            "mulx r14, rax, qword ptr [rsi + 24]",
            "add r13, rax",
            "adc r14, 0",
            // Doubled.
            "add r9, r9",
            "adc r10, r10",
            "adc r11, r11",
            "adc r12, r12",
            "adc r13, r13",
            "adc r14, r14",
            "adc r15, 0",
            // Plus the squares a_i².
            "mov rdx, qword ptr [rsi]",
            "mulx rcx, r8, rdx",
            "add r9, rcx",
            "mov rdx, qword ptr [rsi + 8]",
            "mulx rcx, rax, rdx",
            "adc r10, rax",
            "adc r11, rcx",
            "mov rdx, qword ptr [rsi + 16]",
            "mulx rcx, rax, rdx",
            "adc r12, rax",
            "adc r13, rcx",
            "mov rdx, qword ptr [rsi + 24]",
            "mulx rcx, rax, rdx",
            "adc r14, rax",
            "adc r15, rcx",
            // L = r8..r11 reduced, H = r12..r15 added.
            square_round!(),
            square_round!(),
            square_round!(),
            square_round!(),
            "add r8, r12",
            "adc r9, r13",
            "adc r10, r14",
            "adc r11, r15",
            "mov r12d, 0",
            "adc r12, 0",
            final_reduce!(),
            "mov rsi, r14",
            inout("rsi") a.as_ptr() => r3,
            out("rax") r0,
            out("rcx") r1,
            out("rdx") r2,
            out("rdi") _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
            out("r13") _,
            out("r14") _,
            out("r15") _,
            options(pure, readonly, nostack),
        );
    }
    [r0, r1, r2, r3]
}

/// # Safety
/// The CPU must support BMI2 and ADX.
#[inline(always)]
unsafe fn mul_adx(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: the caller guarantees MULX/ADCX/ADOX exist. The block reads a[0..4] and
    // b[0..4] through the two pointers, which come from references to [u64; 4] (valid,
    // aligned, 32 bytes); it writes only the registers declared as outputs or clobbers, uses
    // no stack, and the flags are declared clobbered (no `preserves_flags`).
    unsafe {
        core::arch::asm!(
            "xor r8d, r8d",
            "xor r9d, r9d",
            "xor r10d, r10d",
            "xor r11d, r11d",
            "xor r12d, r12d",
            round!("0"),
            round!("8"),
            round!("16"),
            round!("24"),
            final_reduce!(),
            in("rsi") a.as_ptr(),
            in("rdi") b.as_ptr(),
            out("rax") r0,
            out("rcx") r1,
            out("rdx") r2,
            out("r14") r3,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("r12") _,
            out("r13") _,
            out("r15") _,
            options(pure, readonly, nostack),
        );
    }
    [r0, r1, r2, r3]
}
