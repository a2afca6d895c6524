//! Command-line arguments.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// Chat with NagaAI models from the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "naga",
    version,
    about,
    after_help = "Exit status: 0 on success (also when the reader of standard output went away), \
                  1 when the command failed, 2 for a usage error.\n\
                  Example: naga --emulator chat \"Write a two-line summary of Tokyo.\""
)]
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
    #[arg(long, global = true, conflicts_with = "base_url")]
    pub(crate) emulator: bool,
    /// Longest wait in seconds for a whole answer, and for a stream's next bytes (default
    /// 600, as the SDK's).
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) timeout: Option<u64>,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Send a prompt and print the answer as it arrives.
    Chat(ChatArgs),
    /// The same through the Responses API (`POST /responses`; `--system` becomes its
    /// instructions).
    Respond(ChatArgs),
    /// The same through Anthropic's Messages API (`POST /messages`; `--max-tokens` defaults
    /// to 1024 there, as the API requires one).
    Message(ChatArgs),
    /// List the available models.
    Models(ModelsArgs),
    /// Print an embedding vector per text (JSON arrays, one per line).
    Embed(EmbedArgs),
    /// Speak a text into an audio file.
    Speak(SpeakArgs),
    /// Print the text of an audio file.
    Transcribe(TranscribeArgs),
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
    #[arg(long, value_parser = temperature, allow_negative_numbers = true)]
    pub(crate) temperature: Option<f64>,
    /// Maximum number of output tokens (at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_tokens: Option<u32>,
    /// An image to send with the prompt: a PNG, JPEG, WebP or GIF file, or an http(s) or
    /// `data:` URL (repeatable).
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) image: Vec<String>,
    /// A PDF to send with the prompt: a file, or an http(s) or `data:` URL (repeatable).
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) file: Vec<String>,
    /// A WAV or MP3 file to send with the prompt (repeatable; models that hear audio only; not
    /// through the Messages API).
    #[arg(long, value_name = "FILE")]
    pub(crate) audio: Vec<std::path::PathBuf>,
    /// How hard a reasoning model thinks first (through the Messages API: `none` turns
    /// thinking off, `minimal` is `low` and `xhigh` is `max`).
    #[arg(long, value_name = "LEVEL", value_parser = ["none", "minimal", "low", "medium", "high", "xhigh"])]
    pub(crate) reasoning_effort: Option<String>,
    /// The prompt; read from standard input when absent or `-`.
    pub(crate) prompt: Option<String>,
}

/// `naga models`.
#[derive(Debug, Args)]
pub(crate) struct ModelsArgs {
    /// Print the list as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `naga embed`.
#[derive(Debug, Args)]
pub(crate) struct EmbedArgs {
    /// Model id.
    #[arg(short, long, default_value = "text-embedding-3-small")]
    pub(crate) model: String,
    /// Length of each vector (at least 1; only some models can shorten them).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) dimensions: Option<u32>,
    /// The texts.
    #[arg(required = true)]
    pub(crate) texts: Vec<String>,
}

/// `naga speak`.
#[derive(Debug, Args)]
pub(crate) struct SpeakArgs {
    /// Model id.
    #[arg(short, long, default_value = "gpt-4o-mini-tts")]
    pub(crate) model: String,
    /// Voice.
    #[arg(long, default_value = "alloy")]
    pub(crate) voice: String,
    /// Audio format (mp3, opus, aac, flac, wav, pcm; ogg is opus); by default the one the
    /// file's extension names (`.ogg` is Opus, `.raw` PCM), else WAV.
    #[arg(long)]
    pub(crate) format: Option<String>,
    /// Where to write the audio (`-`: standard output); written whole or not at all.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: std::path::PathBuf,
    /// The text to speak.
    pub(crate) text: String,
}

/// `naga transcribe`.
#[derive(Debug, Args)]
pub(crate) struct TranscribeArgs {
    /// Model id.
    #[arg(short, long, default_value = "whisper-1")]
    pub(crate) model: String,
    /// Translate into English instead.
    #[arg(long)]
    pub(crate) translate: bool,
    /// The spoken language (ISO-639-1), as a hint.
    #[arg(long)]
    pub(crate) language: Option<String>,
    /// The audio file.
    pub(crate) file: std::path::PathBuf,
}

/// `naga serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Accept only this API key (default: any non-empty key); others get 401.
    #[arg(long, value_name = "KEY", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub(crate) require_key: Option<String>,
    /// Enforce Naga's limit on free models: 10 requests a minute and 100 a day per key,
    /// shared by all `:free` models; beyond it, 429 `rate_limit_exceeded`.
    #[arg(long)]
    pub(crate) free_tier_limits: bool,
    /// Serve HTTPS with this certificate chain (PEM, leaf first; needs --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub(crate) tls_cert: Option<std::path::PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub(crate) tls_key: Option<std::path::PathBuf>,
}

/// `--temperature`: a number from 0 to 2.
fn temperature(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if (0.0..=2.0).contains(&value) => Ok(value),
        _ => Err(format!("`{text}` is not a number from 0 to 2")),
    }
}
