//! Montgomery multiplication and squaring modulo the SM2 prime in x86-64 assembly with
//! MULX (BMI2) and the two carry chains of ADCX/ADOX (ADX), and addition and subtraction
//! beside them, used when the CPU has both; and the signing comb's constant-time table read
//! with AVX2, used when the CPU has that.
//!
//! The crate's `unsafe` code is denied everywhere else (`lib.rs`). Every arithmetic `asm!`
//! block only reads its 32-byte inputs through the references it is given and writes
//! nothing but registers; the table read reads the slice it is given and writes a local
//! array. Each is reached only after [`available`] saw BMI2 and ADX (the table read: AVX2)
//! at run time: [`mul`], [`square`], [`add`], [`sub`], [`mul_small`] and [`lookup`] are safe
//! functions that return `None` without them, so the portable path (`field::Fe64`) stays the
//! fallback and the reference the tests and the fuzz target compare this code with (the
//! fuzz target compares the multiplication and squaring; the unit tests all of them).
//!
//! The multiplication computes the whole 512-bit product first (four rows of MULX, each
//! row's low halves on the CF chain of ADCX and its high halves on the OF chain of ADOX), then
//! reduces: because the low limb of p is all ones, −p⁻¹ mod 2⁶⁴ = 1 and each Montgomery round's
//! multiplier m is the low limb itself; because of p's shape, (t + m·p)/2⁶⁴ = (t ≫ 64) +
//! m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1), one addition and one subtraction chain with m, m ≪ 32 and
//! m ≫ 32, no products. Four such rounds on the low half L give (L + M·p)/2²⁵⁶ ≤ p; the high
//! half H < p is added and one conditional subtraction of p ends it. From one round's m to
//! the next is two instructions, so the rounds overlap the product's last rows; the earlier
//! interleaved form (multiply a row, reduce, multiply the next) waited for each round's carries
//! and took about 42 cycles for a dependent multiplication against 33–37 now. The squaring
//! computes each cross product once, doubles them, adds the squares and shares the reduction.
//! Addition and subtraction are here too: plain x86-64 carry chains, a third of the
//! instructions the portable code compiles to, which counts because a point doubling has as
//! many of them as multiplications.

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

/// Row i ≥ 1 of the product a·b (a at rsi, b at rdi): t_i … t_{i+4} += a·b_i, with the low
/// halves on the CF chain (ADCX) and the high halves on the OF chain (ADOX), the register
/// of the new top limb t_{i+4} zeroed first (which also clears both flags). `$b` is the byte
/// offset of b_i; scratch rax, rcx, rdx.
macro_rules! product_row {
    ($b:literal, $t0:literal, $t1:literal, $t2:literal, $t3:literal, $t4:literal) => {
        concat!(
            "mov rdx, qword ptr [rdi + ",
            $b,
            "]\n",
            "xor ",
            $t4,
            "d, ",
            $t4,
            "d\n",
            "mulx rcx, rax, qword ptr [rsi]\n",
            "adcx ",
            $t0,
            ", rax\n",
            "adox ",
            $t1,
            ", rcx\n",
            "mulx rcx, rax, qword ptr [rsi + 8]\n",
            "adcx ",
            $t1,
            ", rax\n",
            "adox ",
            $t2,
            ", rcx\n",
            "mulx rcx, rax, qword ptr [rsi + 16]\n",
            "adcx ",
            $t2,
            ", rax\n",
            "adox ",
            $t3,
            ", rcx\n",
            "mulx rcx, rax, qword ptr [rsi + 24]\n",
            "adcx ",
            $t3,
            ", rax\n",
            "adox ",
            $t4,
            ", rcx\n",
            // The top limb takes the last carry of the CF chain (no carry out of a row).
            "adc ",
            $t4,
            ", 0\n",
        )
    };
}

/// One Montgomery reduction round of a 256-bit value (limbs $m, $a, $b, $c from the
/// bottom): (t + m·p)/2⁶⁴ with m = $m. By p's shape that is (t ≫ 64) + m·2¹⁹² + m − m·2¹⁶⁰
/// − m·2³², i.e. the limbs ($a, $b, $c, m) plus m at the bottom minus
/// (m≪32, m≫32, m≪32, m≫32): one addition and one subtraction chain, computed modulo 2²⁵⁶
/// (the true result is below 2²⁵⁶, so a carry of the first chain is cancelled by a borrow of
/// the second). The result's limbs are $a, $b, $c, $m from the bottom (the registers rotate,
/// no moves). Scratch rax, rcx.
///
/// The dependency chain from m to the next round's m is two instructions (add, subtract):
/// the rounds overlap with each other and with the product's last rows.
macro_rules! reduce_round {
    ($m:literal, $a:literal, $b:literal, $c:literal) => {
        concat!(
            "mov rax, ",
            $m,
            "\n",
            "shl rax, 32\n",
            "mov rcx, ",
            $m,
            "\n",
            "shr rcx, 32\n",
            "add ",
            $a,
            ", ",
            $m,
            "\n",
            "adc ",
            $b,
            ", 0\n",
            "adc ",
            $c,
            ", 0\n",
            "adc ",
            $m,
            ", 0\n",
            "sub ",
            $a,
            ", rax\n",
            "sbb ",
            $b,
            ", rcx\n",
            "sbb ",
            $c,
            ", rax\n",
            "sbb ",
            $m,
            ", rcx\n",
        )
    };
}

/// The 512-bit a·b or a² in r8..r15 (L = r8..r11, H = r12..r15) to L·R⁻¹ + H mod p: four
/// reduction rounds on L alone give (L + M·p)/2²⁵⁶ ≤ p (M < 2²⁵⁶), plus H < p (a, b < p),
/// below 2p with its carry in r12, then one conditional subtraction of p into rax, rcx, rdx,
/// r14. Scratch rax, rcx, r13, r15.
macro_rules! reduce_product {
    () => {
        concat!(
            reduce_round!("r8", "r9", "r10", "r11"),
            reduce_round!("r9", "r10", "r11", "r8"),
            reduce_round!("r10", "r11", "r8", "r9"),
            reduce_round!("r11", "r8", "r9", "r10"),
            "add r8, r12\n",
            "adc r9, r13\n",
            "adc r10, r14\n",
            "adc r11, r15\n",
            "mov r12d, 0\n",
            "adc r12, 0\n",
            final_reduce!(),
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

/// a + b mod p for a, b below p, or `None` without BMI2/ADX (the instructions are plain
/// x86-64, but the portable code's carry handling compiles to three times as many: the
/// addition goes with the accelerated multiplication).
#[inline(always)]
pub(crate) fn add(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    if !available() {
        return None;
    }
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: the block reads a[0..4] and b[0..4] through pointers from references to
    // [u64; 4] (valid, aligned, 32 bytes), writes only the registers declared as outputs or
    // clobbers, uses no stack and clobbers the flags; its instructions are base x86-64.
    unsafe {
        core::arch::asm!(
            "mov r8, qword ptr [rsi]",
            "mov r9, qword ptr [rsi + 8]",
            "mov r10, qword ptr [rsi + 16]",
            "mov r11, qword ptr [rsi + 24]",
            "xor r12d, r12d",
            "add r8, qword ptr [rdi]",
            "adc r9, qword ptr [rdi + 8]",
            "adc r10, qword ptr [rdi + 16]",
            "adc r11, qword ptr [rdi + 24]",
            "adc r12, 0",
            // Below 2p with its carry in r12: one conditional subtraction.
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
    Some([r0, r1, r2, r3])
}

/// a − b mod p for a, b below p, or `None` without BMI2/ADX (as [`add`]).
#[inline(always)]
pub(crate) fn sub(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    if !available() {
        return None;
    }
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: as in `add`: reads a[0..4] and b[0..4] through pointers from references to
    // [u64; 4], writes only declared registers, no stack, flags clobbered, base x86-64.
    unsafe {
        core::arch::asm!(
            "mov r8, qword ptr [rsi]",
            "mov r9, qword ptr [rsi + 8]",
            "mov r10, qword ptr [rsi + 16]",
            "mov r11, qword ptr [rsi + 24]",
            "sub r8, qword ptr [rdi]",
            "sbb r9, qword ptr [rdi + 8]",
            "sbb r10, qword ptr [rdi + 16]",
            "sbb r11, qword ptr [rdi + 24]",
            // rax = all ones on a borrow (a < b), then p & rax added back.
            "sbb rax, rax",
            "mov rcx, 0xffffffff00000000",
            "and rcx, rax",
            "mov rdx, 0xfffffffeffffffff",
            "and rdx, rax",
            "add r8, rax",
            "adc r9, rcx",
            "adc r10, rax",
            "adc r11, rdx",
            in("rsi") a.as_ptr(),
            in("rdi") b.as_ptr(),
            out("r8") r0,
            out("r9") r1,
            out("r10") r2,
            out("r11") r3,
            out("rax") _,
            out("rcx") _,
            out("rdx") _,
            options(pure, readonly, nostack),
        );
    }
    Some([r0, r1, r2, r3])
}

/// x, through an empty `asm!` block: the compiler no longer knows anything about the value
/// (a mask of all ones or zeros stays a mask, not a branch), and it costs no instruction and
/// no memory round trip (`core::hint::black_box` stores and reloads). For the constant-time
/// divsteps of `safegcd`.
#[inline(always)]
pub(crate) fn opaque(mut x: u64) -> u64 {
    // SAFETY: the block has no instructions; it only declares that it reads and writes the
    // register holding x, touches no memory and no stack, and keeps the flags.
    unsafe {
        core::arch::asm!("/* {0} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    x
}

/// 0: not yet detected, 1: absent, 2: present.
static AVX2: AtomicU8 = AtomicU8::new(0);

/// Whether this CPU has AVX2 (detected once, then cached).
#[inline(always)]
fn avx2() -> bool {
    match AVX2.load(Ordering::Relaxed) {
        2 => true,
        1 => false,
        _ => {
            let yes = std::is_x86_feature_detected!("avx2");
            AVX2.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
            yes
        }
    }
}

// The table read below walks `&[Affine<Fe64>]` as 64-byte rows, x's four limbs then y's.
const _: () = {
    assert!(core::mem::size_of::<super::field::Fe64>() == 32);
    assert!(core::mem::size_of::<super::point::Affine<super::field::Fe64>>() == 64);
    assert!(core::mem::offset_of!(super::point::Affine<super::field::Fe64>, x) == 0);
    assert!(core::mem::offset_of!(super::point::Affine<super::field::Fe64>, y) == 32);
};

/// The signing comb's table read with AVX2: x and y limbs of `table[index − 1]` for `index`
/// in 1..=`table.len()`, zeros for any other index, or `None` without AVX2. Every entry is
/// loaded and ANDed with a mask from a vector compare of a running counter with `index`
/// (`vpcmpeqd`): the instructions run and the memory read do not depend on `index`, and the
/// compiler sees no mask to turn into a branch. Two 256-bit loads, ANDs and ORs per entry,
/// half the instructions of the SSE2 code the compiler makes of the portable loop.
#[inline(always)]
pub(crate) fn lookup(table: &[super::point::Affine<super::field::Fe64>], index: u32) -> Option<[u64; 8]> {
    if !avx2() || table.is_empty() {
        return None;
    }
    // SAFETY: AVX2 was detected above.
    Some(unsafe { lookup_avx2(table, index) })
}

/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
unsafe fn lookup_avx2(table: &[super::point::Affine<super::field::Fe64>], index: u32) -> [u64; 8] {
    let mut out = [0u64; 8];
    // SAFETY: the caller guarantees AVX2. The block reads `table.len()` (≥ 1) rows of 64
    // bytes from `table.as_ptr()`, which is the slice's memory by the layout asserted above,
    // and writes 64 bytes to `out`, a local [u64; 8]; it uses no stack beyond that, clobbers
    // the flags and the declared registers, and ends with `vzeroupper`. The loop's branch
    // depends on the public table length only.
    unsafe {
        core::arch::asm!(
            "vmovd xmm2, {index:e}",
            "vpbroadcastd ymm2, xmm2",
            "mov {one:e}, 1",
            "vmovd xmm3, {one:e}",
            "vpbroadcastd ymm3, xmm3",
            "vmovdqa ymm4, ymm3",
            "vpxor xmm0, xmm0, xmm0",
            "vpxor xmm1, xmm1, xmm1",
            "2:",
            "vpcmpeqd ymm5, ymm4, ymm2",
            "vpand ymm6, ymm5, ymmword ptr [{ptr}]",
            "vpand ymm7, ymm5, ymmword ptr [{ptr} + 32]",
            "vpor ymm0, ymm0, ymm6",
            "vpor ymm1, ymm1, ymm7",
            "vpaddd ymm4, ymm4, ymm3",
            "add {ptr}, 64",
            "dec {len}",
            "jnz 2b",
            "vmovdqu ymmword ptr [{out}], ymm0",
            "vmovdqu ymmword ptr [{out} + 32], ymm1",
            "vzeroupper",
            index = in(reg) index,
            one = out(reg) _,
            ptr = inout(reg) table.as_ptr() => _,
            len = inout(reg) table.len() => _,
            out = in(reg) out.as_mut_ptr(),
            out("ymm0") _,
            out("ymm1") _,
            out("ymm2") _,
            out("ymm3") _,
            out("ymm4") _,
            out("ymm5") _,
            out("ymm6") _,
            out("ymm7") _,
            options(nostack),
        );
    }
    out
}

/// a·k mod p for a below p and a small k (1 ≤ k ≤ 8), or `None` without BMI2/ADX: one
/// multiplication instead of two or three additions (the doubling's 3·t, 4·β, 8·β, 8·γ²).
#[inline(always)]
pub(crate) fn mul_small(a: &[u64; 4], k: u64) -> Option<[u64; 4]> {
    if !available() {
        return None;
    }
    debug_assert!((1..=8).contains(&k));
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: BMI2 was detected above (MULX). The block reads a[0..4] through a pointer from
    // a reference to [u64; 4], writes only declared registers, uses no stack and clobbers
    // the flags.
    unsafe {
        core::arch::asm!(
            // a·k = l + h·2²⁵⁶ with l in r8..r11 and h = r12 < 8.
            "mulx r9, r8, qword ptr [rsi]",
            "mulx r10, rax, qword ptr [rsi + 8]",
            "add r9, rax",
            "mulx r11, rax, qword ptr [rsi + 16]",
            "adc r10, rax",
            "mulx r12, rax, qword ptr [rsi + 24]",
            "adc r11, rax",
            "adc r12, 0",
            // 2²⁵⁶ ≡ 2²²⁴ + 2⁹⁶ − 2⁶⁴ + 1 (mod p): add h·that = [h, h·2³² − h, 0, h·2³²].
            "mov rax, r12",
            "shl rax, 32",
            "mov rcx, rax",
            "sub rcx, r12",
            "add r8, r12",
            "adc r9, rcx",
            "adc r10, 0",
            "adc r11, rax",
            "mov r12d, 0",
            "adc r12, 0",
            // Below 2²⁵⁶ + 2²²⁷ < 2p: one conditional subtraction.
            final_reduce!(),
            in("rsi") a.as_ptr(),
            inout("rdx") k => r2,
            out("rax") r0,
            out("rcx") r1,
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
    Some([r0, r1, r2, r3])
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
            reduce_product!(),
            inout("rsi") a.as_ptr() => _,
            out("rax") r0,
            out("rcx") r1,
            out("rdx") r2,
            out("r14") r3,
            out("rdi") _,
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
            // Row 0: t0..t4 = a·b0, one carry chain.
            "mov rdx, qword ptr [rdi]",
            "mulx r9, r8, qword ptr [rsi]",
            "mulx r10, rax, qword ptr [rsi + 8]",
            "add r9, rax",
            "mulx r11, rax, qword ptr [rsi + 16]",
            "adc r10, rax",
            "mulx r12, rax, qword ptr [rsi + 24]",
            "adc r11, rax",
            "adc r12, 0",
            product_row!("8", "r9", "r10", "r11", "r12", "r13"),
            product_row!("16", "r10", "r11", "r12", "r13", "r14"),
            product_row!("24", "r11", "r12", "r13", "r14", "r15"),
            reduce_product!(),
            inout("rsi") a.as_ptr() => _,
            inout("rdi") b.as_ptr() => _,
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
