//! A loop of single-stream SM3 for instruction counts (`valgrind --tool=callgrind`) and
//! wall-clock rates: `sm3_loop <fast|crate> <KiB> <count>` hashes a `KiB`-KiB message `count`
//! times with `sm3` (the x86-64 AVX2/BMI2 path where the CPU has it) or with `sm3_reference`
//! (the `sm3` crate), then prints the rate in MB/s (10^6 bytes) of the fastest tenth of the
//! runs. Under callgrind, compare two `count`s to drop the set-up.

use std::hint::black_box;
use std::time::Instant;

use yinjian::sm::sm3::{sm3, sm3_reference};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "fast".to_owned());
    let kib: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(16);
    let count: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(1000);
    let data: Vec<u8> = (0..kib * 1024)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(7))
        .collect();
    let hash: fn(&[u8]) -> [u8; 32] = match mode.as_str() {
        "fast" => sm3,
        "crate" => sm3_reference,
        other => panic!("unknown mode {other} (fast or crate)"),
    };
    assert_eq!(sm3(&data), sm3_reference(&data));
    let mut times: Vec<f64> = (0..count)
        .map(|_| {
            let start = Instant::now();
            black_box(hash(black_box(&data)));
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let fastest = &times[..(count / 10).max(1)];
    let mean = fastest.iter().sum::<f64>() / fastest.len() as f64;
    println!("{mode} {kib} KiB: {:.1} MB/s", data.len() as f64 / mean / 1e6);
}
