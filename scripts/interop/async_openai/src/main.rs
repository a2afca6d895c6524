//! Optional interop check: async-openai, the Rust client users would otherwise pick, against
//! the emulator. Every answer must parse into async-openai's own types (its `byot` calls send
//! our JSON and read its types). Not part of CI:
//!
//! ```sh
//! cargo run -p naga-cli -- serve --addr 127.0.0.1:8080 &
//! cargo run --release --manifest-path scripts/interop/async_openai/Cargo.toml -- http://127.0.0.1:8080/v1
//! ```
//!
//! Exit status: the number of failures.

use async_openai::error::OpenAIError;
use async_openai::types::chat::{CreateChatCompletionResponse, CreateChatCompletionStreamResponse};
use async_openai::types::embeddings::{CreateBase64EmbeddingResponse, CreateEmbeddingResponse};
use async_openai::types::images::ImagesResponse;
use async_openai::types::models::ListModelResponse;
use async_openai::types::moderations::CreateModerationResponse;
use async_openai::types::responses::{Response, ResponseStreamEvent};
use async_openai::{Client, config::OpenAIConfig};
use futures::{Stream, StreamExt};
use serde_json::{Value, json};

type Result<T> = std::result::Result<T, OpenAIError>;

/// Reads a whole stream; how many items it held.
async fn count<T>(stream: Result<impl Stream<Item = Result<T>> + Unpin>) -> Result<String> {
    let mut stream = stream?;
    let mut items = 0;
    while let Some(item) = stream.next().await {
        item?;
        items += 1;
    }
    Ok(format!("{items} items"))
}

/// `request` sent streamed to chat completions, read into async-openai's chunk type: how
/// many chunks it held.
async fn chat_chunks(client: &Client<OpenAIConfig>, request: Value) -> Result<String> {
    let chats = client.chat();
    count(
        chats.create_stream_byot::<_, CreateChatCompletionStreamResponse>(streamed(request)).await,
    )
    .await
}

/// `request` with `"stream": true`.
fn streamed(mut request: Value) -> Value {
    request["stream"] = json!(true);
    request
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let base = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8080/v1".into());
    let client =
        Client::with_config(OpenAIConfig::new().with_api_base(base).with_api_key("ng-test"));
    let mut failures = 0;
    let mut report = |name: &str, outcome: std::result::Result<String, String>| match outcome {
        Ok(seen) => println!("PASS {name}: {seen}"),
        Err(err) => {
            failures += 1;
            println!("FAIL {name}: {err}");
        }
    };
    macro_rules! check {
        ($name:expr, $outcome:expr) => {
            report($name, $outcome.map_err(|err| format!("{err:?}")))
        };
    }

    let user = |text: &str| json!([{"role": "user", "content": text}]);
    let weather =
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]});
    let chat =
        json!({"model": "gpt-4o-mini", "messages": user("Write a two-line summary of Tokyo.")});
    let tools = json!({"model": "gpt-4o-mini", "messages": user("Weather in Tokyo?"), "tool_choice": "required",
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": weather}}]});
    let reasoning =
        json!({"model": "claude-sonnet-4.5", "reasoning_effort": "high", "messages": user("Why?")});
    let chats = client.chat();
    check!(
        "chat",
        chats.create_byot::<_, CreateChatCompletionResponse>(chat.clone()).await.map(|r| {
            format!("{:?}", r.choices.first().and_then(|c| c.message.content.clone()))
        })
    );
    let mut with_usage = chat;
    with_usage["stream_options"] = json!({"include_usage": true});
    check!("chat stream", chat_chunks(&client, with_usage).await);
    check!(
        "chat tools",
        chats.create_byot::<_, CreateChatCompletionResponse>(tools.clone()).await.map(|r| {
            format!("{:?}", r.choices.first().and_then(|c| c.message.tool_calls.clone()))
        })
    );
    check!("chat tools stream", chat_chunks(&client, tools).await);
    check!(
        "chat reasoning",
        chats
            .create_byot::<_, CreateChatCompletionResponse>(reasoning.clone())
            .await
            .map(|r| r.model)
    );
    check!("chat reasoning stream", chat_chunks(&client, reasoning).await);

    let choices = json!({"model": "gpt-4o-mini", "messages": user("Hi"), "n": 3,
        "logprobs": true, "top_logprobs": 2});
    check!(
        "chat n choices with logprobs",
        chats.create_byot::<_, CreateChatCompletionResponse>(choices.clone()).await.map(|r| {
            let tokens = |c: &async_openai::types::chat::ChatChoice| {
                c.logprobs.as_ref().and_then(|l| l.content.as_ref()).map_or(0, Vec::len)
            };
            format!("{:?}", r.choices.iter().map(|c| (c.index, tokens(c))).collect::<Vec<_>>())
        })
    );
    check!("chat n choices with logprobs stream", chat_chunks(&client, choices).await);

    let embed = json!({"model": "text-embedding-3-small", "input": ["a", "b"]});
    check!(
        "embeddings",
        client.embeddings().create_byot::<_, CreateEmbeddingResponse>(embed).await.map(|r| {
            format!(
                "{} vectors of {}",
                r.data.len(),
                r.data.first().map_or(0, |d| d.embedding.len())
            )
        })
    );
    let embed =
        json!({"model": "text-embedding-3-small", "input": "a", "encoding_format": "base64"});
    check!(
        "embeddings base64",
        client
            .embeddings()
            .create_base64_byot::<_, CreateBase64EmbeddingResponse>(embed)
            .await
            .map(|r| format!("{} vectors", r.data.len()))
    );
    check!(
        "models",
        client
            .models()
            .list_byot::<ListModelResponse>()
            .await
            .map(|r| format!("{} models", r.data.len()))
    );
    for format in ["b64_json", "url"] {
        let image = json!({"model": "gpt-image-1", "prompt": "a cat", "response_format": format});
        check!(
            &format!("images {format}"),
            client
                .images()
                .generate_byot::<_, ImagesResponse>(image)
                .await
                .map(|r| format!("{} images", r.data.len()))
        );
    }
    let moderation = json!({"model": "omni-moderation-latest", "input": "hello"});
    check!(
        "moderations",
        client
            .moderations()
            .create_byot::<_, CreateModerationResponse>(moderation)
            .await
            .map(|r| format!("{} results", r.results.len()))
    );

    let responses = client.responses();
    let respond = json!({"model": "gpt-4o-mini", "input": "Write a two-line summary of Tokyo."});
    let respond_tools = json!({"model": "gpt-4o-mini", "input": "Weather in Tokyo?", "tool_choice": "required",
        "tools": [{"type": "function", "name": "get_weather", "parameters": weather}]});
    let respond_reasoning = json!({"model": "claude-sonnet-4.5", "input": "Why?", "reasoning": {"effort": "high", "summary": "auto"}});
    check!(
        "responses",
        responses
            .create_byot::<_, Response>(respond.clone())
            .await
            .map(|r| format!("{:?}", r.status))
    );
    for (name, request) in [
        ("responses stream", respond),
        ("responses tools stream", respond_tools),
        ("responses reasoning stream", respond_reasoning),
    ] {
        check!(
            name,
            count(responses.create_stream_byot::<_, ResponseStreamEvent>(streamed(request)).await)
                .await
        );
    }

    let empty = json!({"model": "gpt-4o-mini", "messages": []});
    check!(
        "a 400 is async-openai's ApiError",
        match chats.create_byot::<_, CreateChatCompletionResponse>(empty).await {
            Err(OpenAIError::ApiError(e)) =>
                Ok(format!("{:?}: {}", e.api_error.r#type, e.api_error.message)),
            other => Err(format!("{other:?}")),
        }
    );
    drop(report);
    println!("async-openai 0.43; {failures} failure(s)");
    std::process::exit(failures);
}
