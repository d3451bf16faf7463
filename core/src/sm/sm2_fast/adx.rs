//! Montgomery multiplication and squaring modulo the SM2 prime in x86-64 assembly with
//! MULX (BMI2) and the two carry chains of ADCX/ADOX (ADX), and addition and subtraction
//! beside them, used when the CPU has both; and the signing comb's constant-time table read
//! with AVX2, used when the CPU has that.
//!
//! The crate's `unsafe` code is denied everywhere else (`lib.rs`). Every arithmetic `asm!`
//! block only reads its 32-byte inputs through the references it is given and writes
//! nothing but registers; the table read reads the slice it is given and writes a local
//! array. Each is reached only after [`available`] saw BMI2 and ADX (the table read: AVX2)
//! at run time (ADX taken on trust only in a measurement build for valgrind, see
//! `assume_adx`): [`mul`], [`square`], [`add`], [`sub`], [`mul_small`] and [`lookup`] are safe
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

use crate::sm::CpuCheck;

use super::field::{fermat_invert, reduction_multiple_64, safegcd_invert_64, small_multiple_by_additions};
use super::field::{montgomery_field, Fe64, Field};
use super::point::{self, Affine, Cached, Jacobian, P_TABLE_LEN, SPLIT_PARTS};
use super::P_SPLIT_LEN;

static BMI2_ADX: CpuCheck = CpuCheck::new();

/// Whether this CPU has BMI2 and ADX (detected once, then cached).
#[inline(always)]
pub(crate) fn available() -> bool {
    BMI2_ADX.get(|| std::is_x86_feature_detected!("bmi2") && (std::is_x86_feature_detected!("adx") || assume_adx()))
}

/// Whether to take ADX as present without CPUID's word: only in a build made with
/// `RUSTFLAGS="--cfg yinjian_valgrind_adx"` and run with `YINJIAN_VALGRIND_ADX=1` set, for
/// instruction counts under valgrind, whose emulated CPU reports BMI2 but hides ADX although
/// it executes ADCX and ADOX (without this, callgrind measures the portable field, not the
/// assembly the machine runs). Never for a build that ships: on a CPU with BMI2 but no ADX
/// (Intel Haswell) the assembly would fault. Ordinary builds do not read the variable.
#[cfg(yinjian_valgrind_adx)]
fn assume_adx() -> bool {
    std::env::var_os("YINJIAN_VALGRIND_ADX").is_some_and(|v| v == "1")
}

/// Ordinary builds believe CPUID (see the `yinjian_valgrind_adx` variant above).
#[cfg(not(yinjian_valgrind_adx))]
fn assume_adx() -> bool {
    false
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
/// no moves). Scratch rax, rcx; rdx must hold 32.
///
/// The dependency chain from m to the next round's m is two instructions (add, subtract):
/// the rounds overlap with each other and with the product's last rows.
macro_rules! reduce_round {
    ($m:literal, $a:literal, $b:literal, $c:literal) => {
        concat!(
            // rdx = 32 (set by `reduce_product`): BMI2's shifts by a register, one
            // instruction each and no copy of m.
            "shlx rax, ",
            $m,
            ", rdx\n",
            "shrx rcx, ",
            $m,
            ", rdx\n",
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
/// r14. Scratch rax, rcx, rdx, r13, r15. Needs BMI2 (SHLX, SHRX).
macro_rules! reduce_product {
    () => {
        concat!(
            "mov edx, 32\n",
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
    Some(add_asm(a, b))
}

/// a + b mod p for a, b below p: base x86-64 instructions, so callable on any x86-64 CPU.
#[inline(always)]
fn add_asm(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
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
    [r0, r1, r2, r3]
}

/// a − b mod p for a, b below p, or `None` without BMI2/ADX (as [`add`]).
#[inline(always)]
pub(crate) fn sub(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    if !available() {
        return None;
    }
    Some(sub_asm(a, b))
}

/// a − b mod p for a, b below p: base x86-64 instructions (as [`add_asm`]).
#[inline(always)]
fn sub_asm(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
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
    [r0, r1, r2, r3]
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

static AVX2: CpuCheck = CpuCheck::new();

/// Whether this CPU has AVX2 (detected once, then cached).
#[inline(always)]
fn avx2() -> bool {
    AVX2.get(|| std::is_x86_feature_detected!("avx2"))
}

/// A table row the AVX2 table read may walk as 64 bytes, x's four limbs then y's: only the
/// two types below, whose layout is asserted at compile time (sealed: no other module can
/// implement it).
pub(crate) trait RowLayout: sealed::Row {}
impl RowLayout for Affine<Fe64> {}
impl RowLayout for Affine<FeAdx> {}

mod sealed {
    /// Implemented only here, for the two rows of [`super::RowLayout`].
    pub trait Row {}
    impl Row for super::Affine<super::Fe64> {}
    impl Row for super::Affine<super::FeAdx> {}
}

// The table read below walks `&[Affine<Fe64>]` and `&[Affine<FeAdx>]` as 64-byte rows, x's
// four limbs then y's.
const _: () = {
    assert!(core::mem::size_of::<Fe64>() == 32);
    assert!(core::mem::size_of::<Affine<Fe64>>() == 64);
    assert!(core::mem::offset_of!(Affine<Fe64>, x) == 0);
    assert!(core::mem::offset_of!(Affine<Fe64>, y) == 32);
    assert!(core::mem::size_of::<FeAdx>() == 32);
    assert!(core::mem::size_of::<Affine<FeAdx>>() == 64);
    assert!(core::mem::offset_of!(Affine<FeAdx>, x) == 0);
    assert!(core::mem::offset_of!(Affine<FeAdx>, y) == 32);
};

/// The signing comb's table read with AVX2: x and y limbs of `table[index − 1]` for `index`
/// in 1..=`table.len()`, zeros for any other index, or `None` without AVX2. Every entry is
/// loaded and ANDed with a mask from a vector compare of a running counter with `index`
/// (`vpcmpeqd`): the instructions run and the memory read do not depend on `index`, and the
/// compiler sees no mask to turn into a branch. Two 256-bit loads, ANDs and ORs per entry,
/// half the instructions of the SSE2 code the compiler makes of the portable loop.
#[inline(always)]
pub(crate) fn lookup<E: RowLayout>(table: &[E], index: u32) -> Option<[u64; 8]> {
    // The assembly reads two entries per round.
    if !avx2() || table.is_empty() || !table.len().is_multiple_of(2) {
        return None;
    }
    // SAFETY: AVX2 was detected above and the length checked to be even and nonzero.
    Some(unsafe { lookup_avx2(table, index) })
}

/// # Safety
/// The CPU must support AVX2, and `table.len()` must be even and nonzero.
#[target_feature(enable = "avx2")]
unsafe fn lookup_avx2<E: RowLayout>(table: &[E], index: u32) -> [u64; 8] {
    let mut out = [0u64; 8];
    // SAFETY: the caller guarantees AVX2 and an even, nonzero `table.len()`. The block reads
    // `table.len()` rows of 64 bytes (two per round, `table.len() / 2` rounds) from
    // `table.as_ptr()`, which is the slice's memory by the layout asserted above, and writes
    // 64 bytes to `out`, a local [u64; 8]; it uses no stack beyond that, clobbers the flags
    // and the declared registers, and ends with `vzeroupper`. The loop's branch depends on
    // the public table length only.
    unsafe {
        core::arch::asm!(
            // Two entries per round: counters j (ymm4) and j + 1 (ymm8), both stepping by
            // two (ymm3); each entry ORed into its own pair of accumulators (ymm0/1, ymm9/10),
            // combined at the end.
            "vmovd xmm2, {index:e}",
            "vpbroadcastd ymm2, xmm2",
            "mov {one:e}, 1",
            "vmovd xmm4, {one:e}",
            "vpbroadcastd ymm4, xmm4",
            "vpaddd ymm3, ymm4, ymm4",
            "vpaddd ymm8, ymm4, ymm4",
            "vpxor xmm0, xmm0, xmm0",
            "vpxor xmm1, xmm1, xmm1",
            "vpxor xmm9, xmm9, xmm9",
            "vpxor xmm10, xmm10, xmm10",
            "2:",
            "vpcmpeqd ymm5, ymm4, ymm2",
            "vpcmpeqd ymm11, ymm8, ymm2",
            "vpand ymm6, ymm5, ymmword ptr [{ptr}]",
            "vpand ymm7, ymm5, ymmword ptr [{ptr} + 32]",
            "vpand ymm12, ymm11, ymmword ptr [{ptr} + 64]",
            "vpand ymm13, ymm11, ymmword ptr [{ptr} + 96]",
            "vpor ymm0, ymm0, ymm6",
            "vpor ymm1, ymm1, ymm7",
            "vpor ymm9, ymm9, ymm12",
            "vpor ymm10, ymm10, ymm13",
            "vpaddd ymm4, ymm4, ymm3",
            "vpaddd ymm8, ymm8, ymm3",
            "add {ptr}, 128",
            "sub {pairs}, 1",
            "jnz 2b",
            "vpor ymm0, ymm0, ymm9",
            "vpor ymm1, ymm1, ymm10",
            "vmovdqu ymmword ptr [{out}], ymm0",
            "vmovdqu ymmword ptr [{out} + 32], ymm1",
            "vzeroupper",
            index = in(reg) index,
            one = out(reg) _,
            ptr = inout(reg) table.as_ptr() => _,
            pairs = inout(reg) table.len() / 2 => _,
            out = in(reg) out.as_mut_ptr(),
            out("ymm0") _,
            out("ymm1") _,
            out("ymm2") _,
            out("ymm3") _,
            out("ymm4") _,
            out("ymm5") _,
            out("ymm6") _,
            out("ymm7") _,
            out("ymm8") _,
            out("ymm9") _,
            out("ymm10") _,
            out("ymm11") _,
            out("ymm12") _,
            out("ymm13") _,
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
    // SAFETY: BMI2 was detected above.
    Some(unsafe { mul_small_bmi2(a, k) })
}

/// # Safety
/// The CPU must support BMI2.
#[inline(always)]
unsafe fn mul_small_bmi2(a: &[u64; 4], k: u64) -> [u64; 4] {
    debug_assert!((1..=8).contains(&k));
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: the caller guarantees BMI2 (MULX). The block reads a[0..4] through a pointer from
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
    [r0, r1, r2, r3]
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

montgomery_field!(
    /// The SM2 field in the layout of `field::Fe64`, with the assembly above called without a
    /// check per operation: the check is made once per call of [`mul_base_x`] (signing's
    /// k·G) or of the verification's entry points below ([`mul_g_add_mul_table`],
    /// [`mul_g_add_mul_split`], [`variable_point_table`], [`split_tables`]), the only
    /// functions that make values of this type and hand it to the generic point code (as its
    /// type parameter); they take and return `Fe64` points, moved limb for limb (the two
    /// types store the same Montgomery form). Where the check before each of a k·G's ≈ 500
    /// or a verification's ≈ 3,000 field operations, and the portable fallback inlined beside
    /// each, cost more than the operations' own instructions in places.
    FeAdx,
    u64,
    u128,
    4,
    [0xffff_ffff_ffff_ffff, 0xffff_ffff_0000_0000, 0xffff_ffff_ffff_ffff, 0xffff_fffe_ffff_ffff],
    reduction_multiple_64,
    checked_mul,
    checked_square,
    checked_add,
    checked_sub,
    checked_mul_small,
    lookup,
    checked_neg_if,
    checked_half,
    safegcd_invert_64
);

/// The affine x-coordinate of k·G (big-endian) for k in [1, n − 1] (little-endian limbs),
/// constant time in k, on the assembly with one CPU check for the whole multiplication, or
/// `None` without BMI2 and ADX.
pub(crate) fn mul_base_x(k: &[u64; 4]) -> Option<[u8; 32]> {
    if !available() {
        return None;
    }
    Some(super::base::mul_base_x::<FeAdx>(k).to_be_bytes())
}

/// x(kᵢ·G) for a batch of scalars (`base::mul_base_x_many`, one inversion for all) on the
/// assembly with one CPU check for the batch; false (and `out` untouched) without BMI2 and
/// ADX.
pub(crate) fn mul_base_x_many(ks: &[[u64; 4]], out: &mut [[u8; 32]]) -> bool {
    if !available() {
        return false;
    }
    super::base::mul_base_x_many::<FeAdx>(ks, out);
    true
}

/// An `Fe64` value as an `FeAdx` value (the same limbs).
#[inline(always)]
fn to_adx(a: &Fe64) -> FeAdx {
    FeAdx::from_montgomery_limbs(a.montgomery_limbs())
}

/// An `FeAdx` value as an `Fe64` value (the same limbs).
#[inline(always)]
fn to_fe64(a: &FeAdx) -> Fe64 {
    Fe64::from_montgomery_limbs(a.montgomery_limbs())
}

/// s·G + t·P from P's wNAF table (`point::mul_g_add_mul_table`, the first verification by a
/// key) on the assembly with one CPU check for the whole multiplication, or `None` without
/// BMI2 and ADX. The table is copied into `FeAdx` form (1.3 KiB), the result back.
pub(crate) fn mul_g_add_mul_table(
    s: &[u64; 4],
    table: &[Cached<Fe64>; P_TABLE_LEN],
    t: &[u64; 4],
) -> Option<Jacobian<Fe64>> {
    if !available() {
        return None;
    }
    let table = table.map(|entry| entry.map(to_adx));
    Some(point::mul_g_add_mul_table(s, &table, t).map(to_fe64))
}

/// s·G + t·P from P's split tables (`point::mul_g_add_mul_split`, a prepared key) on the
/// assembly with one CPU check, or `None` without BMI2 and ADX. The tables (four of
/// [`P_SPLIT_LEN`] points, as `point::split_tables` builds them) are copied into `FeAdx` form
/// (2 KiB), the result back.
pub(crate) fn mul_g_add_mul_split(s: &[u64; 4], tables: &[Vec<Affine<Fe64>>], t: &[u64; 4]) -> Option<Jacobian<Fe64>> {
    if !available() {
        return None;
    }
    debug_assert!(tables.len() == SPLIT_PARTS && tables.iter().all(|part| part.len() == P_SPLIT_LEN));
    let tables: [[Affine<FeAdx>; P_SPLIT_LEN]; SPLIT_PARTS] =
        std::array::from_fn(|j| std::array::from_fn(|i| tables[j][i].map(to_adx)));
    Some(point::mul_g_add_mul_split(s, &tables, t).map(to_fe64))
}

/// `point::mul_g_add_mul_table_lanes` (L new keys interleaved) on the assembly with one CPU
/// check, or `None` without BMI2 and ADX (the tables copied into `FeAdx` form, as above).
pub(crate) fn mul_g_add_mul_table_lanes<const L: usize>(
    jobs: [point::TableLane<'_, Fe64>; L],
) -> Option<[Jacobian<Fe64>; L]> {
    if !available() {
        return None;
    }
    let tables: [[Cached<FeAdx>; P_TABLE_LEN]; L] = jobs.map(|(_, table, _)| table.map(|entry| entry.map(to_adx)));
    let lanes: [_; L] = std::array::from_fn(|l| (jobs[l].0, &tables[l], jobs[l].2));
    Some(point::mul_g_add_mul_table_lanes(lanes).map(|p| p.map(to_fe64)))
}

/// `point::mul_g_add_mul_split_lanes` (L prepared keys interleaved) on the assembly with one
/// CPU check, or `None` without BMI2 and ADX (the tables copied into `FeAdx` form, as above).
pub(crate) fn mul_g_add_mul_split_lanes<const L: usize>(
    jobs: [point::SplitLane<'_, Vec<Affine<Fe64>>>; L],
) -> Option<[Jacobian<Fe64>; L]> {
    if !available() {
        return None;
    }
    let tables: [[[Affine<FeAdx>; P_SPLIT_LEN]; SPLIT_PARTS]; L] =
        jobs.map(|(_, tables, _)| std::array::from_fn(|j| std::array::from_fn(|i| tables[j][i].map(to_adx))));
    let lanes: [_; L] = std::array::from_fn(|l| (jobs[l].0, tables[l].as_slice(), jobs[l].2));
    Some(point::mul_g_add_mul_split_lanes(lanes).map(|p| p.map(to_fe64)))
}

/// A key's wNAF table (`point::variable_point_table`) computed on the assembly, or `None`
/// without BMI2 and ADX.
pub(crate) fn variable_point_table(p: &Affine<Fe64>) -> Option<[Cached<Fe64>; P_TABLE_LEN]> {
    if !available() {
        return None;
    }
    Some(point::variable_point_table(&p.map(to_adx)).map(|entry| entry.map(to_fe64)))
}

/// A key's split tables (`point::split_tables`) computed on the assembly, or `None` without
/// BMI2 and ADX.
pub(crate) fn split_tables(p: &Affine<Fe64>, count: usize) -> Option<Vec<Vec<Affine<Fe64>>>> {
    if !available() {
        return None;
    }
    let tables = point::split_tables(&p.map(to_adx), count);
    Some(
        tables
            .iter()
            .map(|part| part.iter().map(|q| q.map(to_fe64)).collect())
            .collect(),
    )
}

// The operations of `FeAdx`, reached only from its `Field` implementation; every value of
// `FeAdx` (the constants included) exists only inside a call of one of the functions above
// that check BMI2 and ADX first (see `FeAdx`).

#[inline(always)]
fn checked_mul(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    debug_assert!(available());
    // SAFETY: BMI2 and ADX were detected before any `FeAdx` value existed (see above).
    Some(unsafe { mul_adx(a, b) })
}

#[inline(always)]
fn checked_square(a: &[u64; 4]) -> Option<[u64; 4]> {
    debug_assert!(available());
    // SAFETY: BMI2 and ADX were detected before any `FeAdx` value existed (see above).
    Some(unsafe { square_adx(a) })
}

#[inline(always)]
fn checked_add(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    Some(add_asm(a, b))
}

#[inline(always)]
fn checked_sub(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
    Some(sub_asm(a, b))
}

#[inline(always)]
fn checked_mul_small(a: &[u64; 4], k: u32) -> Option<[u64; 4]> {
    if !(1..=8).contains(&k) {
        return None;
    }
    debug_assert!(available());
    // SAFETY: BMI2 was detected before any `FeAdx` value existed (see above).
    Some(unsafe { mul_small_bmi2(a, u64::from(k)) })
}

/// −a mod p if `negate`, else a, for a below p: base x86-64 instructions, no branch on
/// `negate` (signing's negated table entry). 0 − a with its borrow (all ones unless a = 0)
/// masking p back in, then four CMOVs on `negate`: about 25 instructions, where the
/// subtraction and the masked select of the portable code took about 40 between them.
#[inline(always)]
fn checked_neg_if(a: &[u64; 4], negate: bool) -> Option<[u64; 4]> {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: the block reads a[0..4] through a pointer from a reference to [u64; 4] (valid,
    // aligned, 32 bytes), writes only the registers declared as outputs or clobbers, uses no
    // stack and clobbers the flags; its instructions are base x86-64 (CMOV included).
    unsafe {
        core::arch::asm!(
            "mov r8, qword ptr [rsi]",
            "mov r9, qword ptr [rsi + 8]",
            "mov r10, qword ptr [rsi + 16]",
            "mov r11, qword ptr [rsi + 24]",
            // rax, rcx, rdx, r12 = 0 − a, r13 = all ones on a borrow (a ≠ 0).
            "xor eax, eax",
            "xor ecx, ecx",
            "xor edx, edx",
            "xor r12d, r12d",
            "sub rax, r8",
            "sbb rcx, r9",
            "sbb rdx, r10",
            "sbb r12, r11",
            "sbb r13, r13",
            // Plus p & r13: p − a for a ≠ 0, 0 for a = 0.
            "mov r14, 0xffffffff00000000",
            "and r14, r13",
            "mov r15, 0xfffffffeffffffff",
            "and r15, r13",
            "add rax, r13",
            "adc rcx, r14",
            "adc rdx, r13",
            "adc r12, r15",
            // Keep a unless `negate`.
            "test {negate}, {negate}",
            "cmovnz r8, rax",
            "cmovnz r9, rcx",
            "cmovnz r10, rdx",
            "cmovnz r11, r12",
            negate = in(reg) u64::from(negate),
            in("rsi") a.as_ptr(),
            out("r8") r0,
            out("r9") r1,
            out("r10") r2,
            out("r11") r3,
            out("rax") _,
            out("rcx") _,
            out("rdx") _,
            out("r12") _,
            out("r13") _,
            out("r14") _,
            out("r15") _,
            options(pure, readonly, nostack),
        );
    }
    Some([r0, r1, r2, r3])
}

/// a/2 mod p for a below p: a, or a + p when a is odd (p masked by the low bit), shifted
/// right by one with the carry shifted in on top; base x86-64 instructions, no branch.
#[inline(always)]
fn checked_half(a: &[u64; 4]) -> Option<[u64; 4]> {
    let (r0, r1, r2, r3): (u64, u64, u64, u64);
    // SAFETY: the block reads a[0..4] through a pointer from a reference to [u64; 4] (valid,
    // aligned, 32 bytes), writes only the registers declared as outputs or clobbers, uses no
    // stack and clobbers the flags; its instructions are base x86-64.
    unsafe {
        core::arch::asm!(
            "mov r8, qword ptr [rsi]",
            "mov r9, qword ptr [rsi + 8]",
            "mov r10, qword ptr [rsi + 16]",
            "mov r11, qword ptr [rsi + 24]",
            // rax = all ones when a is odd; p & rax added.
            "mov eax, r8d",
            "and eax, 1",
            "neg rax",
            "mov rcx, 0xffffffff00000000",
            "and rcx, rax",
            "mov rdx, 0xfffffffeffffffff",
            "and rdx, rax",
            "add r8, rax",
            "adc r9, rcx",
            "adc r10, rax",
            "adc r11, rdx",
            // The carry out as bit 256, then the 257-bit sum shifted right by one.
            "mov eax, 0",
            "adc rax, 0",
            "shrd r8, r9, 1",
            "shrd r9, r10, 1",
            "shrd r10, r11, 1",
            "shrd r11, rax, 1",
            in("rsi") a.as_ptr(),
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

/// `FeAdx`'s halving against `Fe64`'s portable one on 0, 1, p − 1 and `count` pseudorandom
/// values below p, for the tests.
#[cfg(test)]
pub(crate) fn half_matches_fe64(count: usize) -> bool {
    if !available() {
        return true;
    }
    test_values(count).iter().all(|&limbs| {
        let ours = FeAdx::from_montgomery_limbs(limbs).half();
        let theirs = Fe64::from_montgomery_limbs(limbs).half();
        ours.montgomery_limbs() == theirs.montgomery_limbs() && ours.double().montgomery_limbs() == limbs
    })
}

/// 0, 1, p − 1 and `count` pseudorandom values below p (limbs), for the tests.
#[cfg(test)]
fn test_values(count: usize) -> Vec<[u64; 4]> {
    let mut values = vec![
        [0u64; 4],
        [1, 0, 0, 0],
        [P_LIMBS[0] - 1, P_LIMBS[1], P_LIMBS[2], P_LIMBS[3]],
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..count {
        let mut limbs = [0u64; 4];
        for limb in &mut limbs {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *limb = state ^ (state >> 29);
        }
        // Below p: the top limb of p less one.
        limbs[3] = limbs[3].min(P_LIMBS[3] - 1);
        values.push(limbs);
    }
    values
}

/// `FeAdx`'s conditional negation against `Fe64`'s (negation and select) on 0, 1, p − 1 and
/// `count` pseudorandom values below p, both ways, for the tests.
#[cfg(test)]
pub(crate) fn neg_if_matches_fe64(count: usize) -> bool {
    if !available() {
        return true;
    }
    test_values(count).iter().all(|&limbs| {
        [false, true].iter().all(|&negate| {
            let ours = FeAdx::from_montgomery_limbs(limbs).neg_if(negate);
            let theirs = Fe64::from_montgomery_limbs(limbs);
            let theirs = Fe64::select(&theirs, &theirs.neg(), negate);
            ours.montgomery_limbs() == theirs.montgomery_limbs()
        })
    })
}

/// p, little-endian limbs (for the tests).
#[cfg(test)]
const P_LIMBS: [u64; 4] = super::P;

/// The signing comb's table read on `FeAdx` (as `Fe64`'s) with the comb's whole table
/// compared against `Fe64`'s, for the tests.
#[cfg(test)]
pub(crate) fn lookup_matches_fe64() -> bool {
    if !available() {
        return true;
    }
    let (ours, theirs) = (FeAdx::base_table(), Fe64::base_table());
    ours.iter().zip(theirs).all(|(window, expected)| {
        (0..=window.len() as u32 + 1).chain([u32::MAX]).all(|index| {
            let got = FeAdx::lookup(window, index);
            let want = Fe64::lookup(expected, index);
            (got.x.to_be_bytes(), got.y.to_be_bytes()) == (want.x.to_be_bytes(), want.y.to_be_bytes())
        })
    })
}
