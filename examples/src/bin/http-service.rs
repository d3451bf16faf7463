//! `http-service`: a small HTTP verification service on loopback (routes in
//! `yinjian_examples::service`).
//!
//! ```sh
//! http-service --anchors root.pem [--anchors more.pem] [--intermediates ca.pem] [--listen 127.0.0.1:8080]
//! curl --data-binary @notice.ofd 'http://127.0.0.1:8080/verify?at=2027-06-01T00:00:00Z'
//! ```
//!
//! The first line on standard output is `listening on http://ADDR` (port 0 picks a free port).
//! Stops on Ctrl-C or SIGTERM. Exit codes: 0 after a clean stop, 1 when serving fails,
//! 2 for a usage or start-up error.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use yinjian_examples::service::app;
use yinjian_examples::Trust;

/// Verify OFD and PDF documents over HTTP: POST the document to /verify.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Trust anchors: a PEM file (repeatable).
    #[arg(long, required = true)]
    anchors: Vec<PathBuf>,
    /// Intermediate CA certificates, PEM bundles (repeatable).
    #[arg(long)]
    intermediates: Vec<PathBuf>,
    /// Address to listen on; loopback only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "http-service: {} is not a loopback address; the service has no TLS or authentication",
            args.listen
        );
        return ExitCode::from(2);
    }
    let trust = match Trust::load(&args.anchors, &args.intermediates) {
        Ok(trust) => Arc::new(trust),
        Err(message) => {
            eprintln!("http-service: {message}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("http-service: {}: {e}", args.listen);
            return ExitCode::from(2);
        }
    };
    match listener.local_addr() {
        Ok(address) => println!("listening on http://{address}"),
        Err(e) => {
            eprintln!("http-service: {e}");
            return ExitCode::from(2);
        }
    }
    match axum::serve(listener, app(trust))
        .with_graceful_shutdown(stop_requested())
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-service: {e}");
            ExitCode::from(1)
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_requested() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => interrupt.await,
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}
