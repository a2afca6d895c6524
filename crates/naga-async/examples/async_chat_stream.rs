//! A streamed chat completion, printed as it arrives:
//! `NAGA_API_KEY=... cargo run -p naga-async --example async_chat_stream`.
//! `NAGA_BASE_URL` points it at another server (e.g. a local mock).

use std::io::Write;

use naga_async::Client;
use naga_protocol::{ChatRequest, Message};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let request =
        ChatRequest::new("gpt-4o-mini", [Message::user("Write a two-line summary of Tokyo.")])
            .stream_with_usage();
    let chunks = client.chat_stream(&request).await?;
    let result = chunks
        .into_completion_with(|chunk| {
            for text in chunk.choices.iter().filter_map(|choice| choice.delta.text()) {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
        })
        .await;
    println!();
    match result {
        Ok(completion) => {
            let finish = completion.choices.first().and_then(|c| c.finish_reason.clone());
            println!("[finish: {finish:?}, usage: {:?}]", completion.usage);
            Ok(())
        }
        Err(failure) => {
            eprintln!("[stream failed after {:?}]", failure.partial.text());
            Err(failure.error.into())
        }
    }
}
