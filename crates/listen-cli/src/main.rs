//! `tandem-listen`: see the `listen_cli` crate docs.

use std::process::ExitCode;

use clap::Parser;
use listen_cli::app::{self, Outcome};
use listen_cli::args::Args;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tandem-listen: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(app::run(args));
    match result {
        Ok(Outcome::Left) => ExitCode::SUCCESS,
        Ok(Outcome::RoomClosed(why)) => {
            eprintln!("tandem-listen: {why}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Refused(why)) => {
            eprintln!("tandem-listen: {why}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("tandem-listen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
