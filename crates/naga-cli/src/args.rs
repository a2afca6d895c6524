//! Command-line arguments.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// Chat with NagaAI models from the terminal.
#[derive(Debug, Parser)]
#[command(name = "naga", version, about)]
pub(crate) struct Cli {
    /// API base URL (default: NAGA_BASE_URL or https://api.naga.ac/v1).
    // The text is also the `--help` line, where link markup would show.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// API key (default: NAGA_API_KEY).
    #[arg(long, global = true, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// Answer from the built-in emulator instead of the network (no key needed).
    #[arg(long, global = true)]
    pub(crate) emulator: bool,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Send a prompt and print the answer as it arrives.
    Chat(ChatArgs),
    /// List the available models.
    Models(ModelsArgs),
    /// Run the emulator and print its base URL.
    Serve(ServeArgs),
}

/// `naga chat`.
#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// Model id.
    #[arg(short, long, default_value = "gpt-4o-mini")]
    pub(crate) model: String,
    /// System message sent before the prompt.
    #[arg(short, long)]
    pub(crate) system: Option<String>,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    pub(crate) no_stream: bool,
    /// Print the final completion as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Sampling temperature (0 to 2).
    #[arg(long)]
    pub(crate) temperature: Option<f64>,
    /// Maximum number of output tokens.
    #[arg(long, value_name = "N")]
    pub(crate) max_tokens: Option<u32>,
    /// The prompt; read from standard input when absent.
    pub(crate) prompt: Option<String>,
}

/// `naga models`.
#[derive(Debug, Args)]
pub(crate) struct ModelsArgs {
    /// Print the list as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `naga serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Accept only this API key (default: any non-empty key); others get 401.
    #[arg(long, value_name = "KEY")]
    pub(crate) require_key: Option<String>,
}
