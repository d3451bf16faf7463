//! Loopback load benchmark of `yinjian serve` against the library called in-process, on the
//! bundled sample OFD: verifications/s both ways, the ratio, latency percentiles at a fixed
//! number of connections, the server's RSS at rest and under load, the CPU the load client
//! took, and the count of non-2xx answers (must be 0). Bounded in time and in requests; talks
//! to 127.0.0.1 only.
//!
//! `cargo bench -p yinjian-cli --bench serve [-- SECONDS CONNECTIONS WORKERS]` (default 5 4 2).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use yinjian::x509::{parse_all, RevocationPolicy, TrustStore};
use yinjian::{Clock, Status, Time, Verifier};

const AT: &str = "2027-06-01T00:00:00Z";
/// Upper bound on requests per connection, whatever the duration.
const MAX_REQUESTS_PER_CONNECTION: usize = 200_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let seconds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(5);
    let connections: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(4);
    let workers: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let certs = repo.join("test-vectors/x509/sm2/certs");
    let sample = std::fs::read(repo.join("test-vectors/sample/notice.ofd")).unwrap();
    let at = Time::parse(AT).unwrap();

    // In-process: one Verifier shared by `workers` threads, for the same time.
    let mut trust = TrustStore::new();
    trust.add_pem(&std::fs::read(certs.join("root.pem")).unwrap()).unwrap();
    let verifier = Arc::new(
        Verifier::new(trust, Clock::Fixed(at))
            .intermediates(parse_all(&std::fs::read(certs.join("int.pem")).unwrap()).unwrap())
            .revocation(RevocationPolicy::NotRequired),
    );
    assert_eq!(verifier.verify(&sample).status, Status::Passed);
    let in_process = rate(workers, Duration::from_secs(seconds), {
        let sample = sample.clone();
        move || {
            assert_eq!(verifier.verify(&sample).status, Status::Passed);
        }
    });

    // The server, `workers` verification threads.
    let mut child = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["serve", "--listen", "127.0.0.1:0", "--no-revocation", "--workers"])
        .arg(workers.to_string())
        .arg("--anchors")
        .arg(certs.join("root.pem"))
        .arg("--intermediates")
        .arg(certs.join("int.pem"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address = first.trim().trim_start_matches("listening on http://").to_owned();
    let pid = child.id();
    std::thread::sleep(Duration::from_millis(300));
    let rss_rest = proc_status(pid, "VmRSS:");

    let stop = Arc::new(AtomicBool::new(false));
    let client_cpu_start = own_cpu_seconds();
    let server_cpu_start = cpu_seconds(pid);
    let started = Instant::now();
    let handles: Vec<_> = (0..connections)
        .map(|_| {
            let (address, sample, stop) = (address.clone(), sample.clone(), stop.clone());
            std::thread::spawn(move || load(&address, &sample, &stop))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut non_2xx = 0;
    for handle in handles {
        let (l, bad) = handle.join().unwrap();
        latencies.extend(l);
        non_2xx += bad;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let client_cpu = own_cpu_seconds() - client_cpu_start;
    let server_cpu = cpu_seconds(pid) - server_cpu_start;
    let rss_peak = proc_status(pid, "VmHWM:");
    let _ = child.kill();
    let _ = child.wait();

    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let served = latencies.len() as f64 / elapsed;
    println!(
        "serve bench: sample OFD ({} bytes), {workers} worker(s), {connections} connection(s), {seconds} s",
        sample.len()
    );
    println!("  in-process ({workers} threads): {in_process:.0} verifications/s");
    println!(
        "  yinjian serve: {served:.0} verifications/s = {:.0} % of in-process; {} requests, {non_2xx} non-2xx",
        100.0 * served / in_process,
        latencies.len()
    );
    println!(
        "  latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "  CPU: server {:.2} s, load client {:.2} s of {elapsed:.1} s wall ({:.0} % of one core)",
        server_cpu,
        client_cpu,
        100.0 * client_cpu / elapsed
    );
    println!("  server RSS: {} kB at rest, {} kB peak", rss_rest, rss_peak);
    assert_eq!(non_2xx, 0, "valid requests must all be answered 200");
}

/// Calls `work` on `threads` threads for `duration`; calls per second.
fn rate(threads: usize, duration: Duration, work: impl Fn() + Send + Sync + 'static) -> f64 {
    let work = Arc::new(work);
    let started = Instant::now();
    let total: usize = (0..threads)
        .map(|_| {
            let work = work.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while started.elapsed() < duration {
                    work();
                    n += 1;
                }
                n
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .sum();
    total as f64 / started.elapsed().as_secs_f64()
}

/// One keep-alive connection posting the sample until told to stop: latencies, non-2xx count.
fn load(address: &str, sample: &[u8], stop: &AtomicBool) -> (Vec<Duration>, usize) {
    let stream = TcpStream::connect(address).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let head = format!(
        "POST /v1/verify?at={AT} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        sample.len()
    );
    let (mut latencies, mut bad) = (Vec::new(), 0);
    while !stop.load(Ordering::Relaxed) && latencies.len() < MAX_REQUESTS_PER_CONNECTION {
        let sent = Instant::now();
        writer.write_all(head.as_bytes()).unwrap();
        writer.write_all(sample).unwrap();
        let mut status_line = String::new();
        reader.read_line(&mut status_line).unwrap();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        latencies.push(sent.elapsed());
        if !status_line.starts_with("HTTP/1.1 2") || !body.windows(17).any(|w| w == b"\"status\":\"PASSED\"") {
            bad += 1;
        }
    }
    (latencies, bad)
}

fn proc_status(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key)?.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

/// User + system CPU seconds of a process, from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|s| s.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn own_cpu_seconds() -> f64 {
    cpu_seconds(std::process::id())
}
