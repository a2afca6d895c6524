//! `naga`: chat with NagaAI models (Chat Completions, Responses, Messages), list them, embed
//! texts, speak and transcribe audio, or run the local emulator.
//!
//! ```text
//! naga [--base-url URL | --emulator] [--api-key KEY]
//!      <chat|respond|message|models|embed|speak|transcribe|serve>
//! ```
//!
//! Errors are one line on stderr. Exit status: 0 on success (also when the reader of
//! standard output went away), 1 when the command failed, 2 for a usage error (an unknown
//! flag, or a value out of its range).

/// `eprintln!` that never panics: a line for stderr, dropped when stderr is a broken pipe
/// (`naga ... 2>&1 >/dev/null | true`), since there is nowhere else to say it.
macro_rules! note {
    ($($arg:tt)*) => {{
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    }};
}

mod args;
mod attach;
mod chat;
mod failure;
mod media;
mod message;
mod models;
mod reasoning;
mod respond;
mod serve;
mod text_api;

use std::process::ExitCode;

use clap::Parser;
use naga_blocking::Client;
use naga_mock::MockServer;
use naga_protocol::Config;

use crate::args::{Cli, Command};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout went away (`naga ... | head`): nothing left to tell anyone.
        Err(Failure::Io(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure @ Failure::Usage(_)) => {
            note!("naga: {failure}");
            ExitCode::from(2)
        }
        Err(failure) => {
            note!("naga: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Serve(args) = &cli.command {
        let client_flags = cli.base_url.is_some() || cli.api_key.is_some() || cli.emulator;
        return serve::run(args, client_flags);
    }
    // Kept alive until the command is done: dropping it stops the emulator.
    let emulator = cli.emulator.then(MockServer::start_blocking);
    let client = connect(&cli, emulator.as_ref())?;
    let base_url = client.config().base_url().to_owned();
    let done = match &cli.command {
        Command::Chat(args) => chat::run(&client, args),
        Command::Respond(args) => text_api::run::<respond::Responses>(&client, args),
        Command::Message(args) => text_api::run::<message::Messages>(&client, args),
        Command::Models(args) => models::run(&client, args),
        Command::Embed(args) => media::embed(&client, args),
        Command::Speak(args) => media::speak(&client, args),
        Command::Transcribe(args) => media::transcribe(&client, args),
        Command::Serve(_) => Ok(()),
    };
    done.map_err(|failure| failure.at(&base_url))
}

/// Builds the client from the flags, the environment, or the in-process emulator. A flag
/// wins over its variable (a variable it replaces is not even read), and an unusable value
/// is named by where it came from.
fn connect(cli: &Cli, emulator: Option<&MockServer>) -> Result<Client, Failure> {
    let mut config = Config::default();
    let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
    let key_from_flag = cli.api_key.is_some();
    if let Some(key) = variable("NAGA_API_KEY").filter(|_| !key_from_flag) {
        config = config.with_api_key(&key).map_err(|e| Failure::Setting("NAGA_API_KEY", e))?;
    }
    if let Some(url) =
        variable("NAGA_BASE_URL").filter(|_| cli.base_url.is_none() && emulator.is_none())
    {
        config = config.with_base_url(&url).map_err(|e| Failure::Setting("NAGA_BASE_URL", e))?;
    }
    if let Some(key) = variable("NAGA_PROVISIONING_KEY") {
        config = config
            .with_provisioning_key(&key)
            .map_err(|e| Failure::Setting("NAGA_PROVISIONING_KEY", e))?;
    }
    if let Some(server) = emulator {
        config = config.with_base_url(&server.base_url()).map_err(Failure::Config)?;
        if config.api_key().is_none() && !key_from_flag {
            config = config.with_api_key("naga-emulator").map_err(Failure::Config)?;
        }
    }
    if let Some(url) = &cli.base_url {
        config = config.with_base_url(url).map_err(|e| Failure::Setting("--base-url", e))?;
    }
    if let Some(key) = &cli.api_key {
        config = config.with_api_key(key).map_err(|e| Failure::Setting("--api-key", e))?;
    }
    let needs_key = !matches!(cli.command, Command::Models(_) | Command::Serve(_));
    if needs_key && config.api_key().is_none() {
        return Err(Failure::NoKey);
    }
    let client = Client::new(config).map_err(Failure::Client)?;
    Ok(match cli.timeout.map(std::time::Duration::from_secs) {
        Some(limit) => {
            client.with_request_timeout(Some(limit)).with_stream_idle_timeout(Some(limit))
        }
        None => client,
    })
}
