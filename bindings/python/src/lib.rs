//! Python binding of `yinjian` (the extension module `yinjian._native`; the package `yinjian`
//! in python/yinjian re-exports it beside the exception classes and the type stubs).
//!
//! Built with maturin into one abi3 wheel for CPython 3.9 and later. Reports come back as
//! `dict`s holding exactly the JSON the Rust library writes (docs/REPORT.md); errors are raised
//! as subclasses of `yinjian.YinjianError` with the stable `code` the WebAssembly binding uses.
//! Every verification releases the GIL, so threads verify in parallel.
#![deny(missing_docs)]

/// mimalloc for the library's own allocations (parsed XML, certificates, the report before it
/// becomes Python objects, which Python allocates itself): with the C library's allocator they
/// took about a fifth of a verification made from Python (docs/PERFORMANCE.md), as they did
/// in `yinjian batch` before the CLI took mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod classes;
mod errors;
mod functions;
mod topy;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<classes::PyTrustStore>()?;
    m.add_class::<classes::PyVerifier>()?;
    m.add_function(wrap_pyfunction!(functions::verify_document, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_ofd, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_pdf, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_invoice, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_cms, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_token, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_certificate_chain, m)?)?;
    m.add_function(wrap_pyfunction!(functions::check_identifier, m)?)?;
    m.add_function(wrap_pyfunction!(functions::verify_licence_qr, m)?)?;
    m.add_function(wrap_pyfunction!(functions::sm3, m)?)?;
    m.add_function(wrap_pyfunction!(functions::sm2_verify, m)?)?;
    m.add_function(wrap_pyfunction!(functions::batch_record, m)?)?;
    m.add_function(wrap_pyfunction!(functions::vector_report, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    Ok(())
}
