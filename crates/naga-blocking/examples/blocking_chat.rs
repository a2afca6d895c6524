//! One chat completion: `NAGA_API_KEY=... cargo run -p naga-blocking --example blocking_chat`.
//! `NAGA_BASE_URL` points it at another server (e.g. a local mock).

use naga_blocking::Client;
use naga_protocol::{ChatRequest, Message};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")]);
    let completion = client.chat(&request)?;
    println!("{}", completion.text().unwrap_or_default());
    Ok(())
}
