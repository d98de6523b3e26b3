//! `inkan-worker`: the edge worker as a native server (axum + SQLite).
//!
//! Usage: `inkan-worker [--config FILE]` (or `INKAN_CONFIG=FILE`); every setting can also be
//! given as an `INKAN_*` environment variable (see worker/README.md). Prints
//! `inkan-worker listening on http://ADDR` on stdout once it accepts connections; logs go to
//! stderr.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    use std::path::PathBuf;

    let mut config: Option<PathBuf> = std::env::var_os("INKAN_CONFIG").map(PathBuf::from);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config = args.next().map(PathBuf::from),
            "--help" | "-h" => {
                println!("usage: inkan-worker [--config FILE]   (settings: worker/README.md)");
                return std::process::ExitCode::SUCCESS;
            }
            "--version" => {
                println!("inkan-worker {}", env!("CARGO_PKG_VERSION"));
                return std::process::ExitCode::SUCCESS;
            }
            other => {
                eprintln!("inkan-worker: unknown argument {other} (try --help)");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let settings = match inkan_worker::load_settings(config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("inkan-worker: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    inkan_worker::init_logging(&settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("inkan-worker: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(inkan_worker::run(settings)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inkan-worker: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
