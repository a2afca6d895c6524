//! `naga serve`: run the emulator until interrupted.

use std::io::Write;

use naga_mock::{FreeTierLimits, MockServer};

use crate::args::ServeArgs;
use crate::failure::Failure;
use crate::media::read_file;

/// Starts the emulator on `--addr` (accepting only `--require-key` when given, enforcing the
/// free tier's limits with `--free-tier-limits`, over HTTPS with `--tls-cert` and
/// `--tls-key`), prints its base URL as the first line, then serves until the process is
/// interrupted.
pub(crate) fn run(args: &ServeArgs, client_flags: bool) -> Result<(), Failure> {
    if client_flags {
        return Err(Failure::Usage(
            "--base-url, --api-key and --emulator are for the client commands, not serve \
             (serve runs the emulator; --require-key sets the key it accepts)"
                .to_owned(),
        ));
    }
    let mut builder = MockServer::builder();
    if let Some(key) = &args.require_key {
        // A key no client could send (the SDK's own rule) would make every request a 401;
        // clients send the key trimmed, so it is required trimmed.
        naga_protocol::Config::default()
            .with_api_key(key)
            .map_err(|err| Failure::Setting("--require-key", err))?;
        builder = builder.required_api_key(key.trim());
    }
    if args.free_tier_limits {
        builder = builder.free_tier_limits(FreeTierLimits::DOCUMENTED);
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        builder = builder
            .tls_pem(&read_file(cert)?, &read_file(key)?)
            .map_err(|err| Failure::Other(format!("cannot serve HTTPS: {err}")))?;
    }
    let server = builder
        .bind_blocking(args.addr)
        .map_err(|err| Failure::Other(format!("cannot listen on {}: {err}", args.addr)))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", server.base_url())?;
    stdout.flush()?;
    drop(stdout);
    note!("naga emulator listening; press Ctrl-C to stop");
    loop {
        std::thread::park();
    }
}
