//! Hostile request bodies for `/v1/responses` and `/v1/messages`: valid requests mutated at
//! random (fixed seed) are answered with a 400 naming the problem or with an answer the SDK
//! reads back (streamed answers adding up without an error); never a 5xx, never a dropped
//! connection.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test helpers

mod common;

use common::{client, send};
use http::{HeaderMap, StatusCode};
use naga_mock::MockServer;
use naga_protocol::{
    MessageAccumulator, MessageStream, MessagesRequest, ResponseAccumulator, ResponseStream,
    ResponsesRequest, StreamAccumulator, StreamDecoder, parse_api_error, parse_response,
};
use serde_json::{Value, json};

/// Mutations per endpoint.
const CASES: usize = 150;

/// A small xorshift, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values a mutation puts somewhere.
fn odd_value(rng: &mut Rng) -> Value {
    let values = [
        json!(null),
        json!(-1),
        json!(0),
        json!(1e300),
        json!(""),
        json!("\u{0}\u{ffff}😀"),
        json!([]),
        json!({}),
        json!(true),
        json!([{"type": "nope"}]),
        json!({"type": "function"}),
    ];
    values[rng.below(values.len())].clone()
}

/// Every object key path in `value` (`["input", "0", "content"]` style).
fn paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(key.clone());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(index.to_string());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, key| match node {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?),
        _ => None,
    })
}

/// One random change: a value replaced, a key removed, or an unknown key added.
fn mutate(base: &Value, rng: &mut Rng) -> Value {
    let mut value = base.clone();
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    let path = all[rng.below(all.len())].clone();
    let (parent, last) = path.split_at(path.len() - 1);
    match rng.below(3) {
        0 => {
            if let Some(node) = at(&mut value, &path) {
                *node = odd_value(rng);
            }
        }
        1 => match at(&mut value, parent) {
            Some(Value::Object(map)) => {
                map.remove(&last[0]);
            }
            Some(Value::Array(items)) => {
                let index: usize = last[0].parse().unwrap();
                items.remove(index);
            }
            _ => {}
        },
        _ => {
            if let Some(Value::Object(map)) = at(&mut value, parent) {
                map.insert("x_unknown".to_owned(), odd_value(rng));
            }
        }
    }
    value
}

/// The answer to one body: a 400 with Naga's error, or a 200 the SDK reads back; the status.
async fn check(server: &MockServer, path: &str, body: &Value) -> StatusCode {
    let url = format!("{}{}", server.base_url(), path.trim_start_matches("/v1"));
    let request = client()
        .post(url)
        .header("authorization", "Bearer ng-test")
        .header("content-type", "application/json")
        .body(body.to_string());
    let reply =
        send(request).await.unwrap_or_else(|err| panic!("{body}: connection failed: {err}"));
    let streaming = body.get("stream") == Some(&json!(true));
    match reply.status {
        StatusCode::OK if path == "/v1/responses" => {
            read::<ResponsesRequest, ResponseStream, ResponseAccumulator>(&reply.body, streaming);
        }
        StatusCode::OK => {
            read::<MessagesRequest, MessageStream, MessageAccumulator>(&reply.body, streaming)
        }
        StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND => {
            let err = parse_api_error(Some(reply.status), &HeaderMap::new(), &reply.body);
            let api = err.api().unwrap();
            assert!(
                api.error_type.is_some() && !api.message.is_empty(),
                "{body}: {}",
                reply.text()
            );
        }
        status => panic!("{body}: answered {status}: {}", reply.text()),
    }
    reply.status
}

/// Reads a 200 answer with the SDK: the object, or the stream added up without an error.
fn read<O, D, A>(body: &[u8], streaming: bool)
where
    O: naga_protocol::Operation,
    D: StreamDecoder<Item = A::Item> + Default,
    A: StreamAccumulator,
{
    if !streaming {
        let parsed = parse_response::<O>(StatusCode::OK, &HeaderMap::new(), body);
        assert!(parsed.is_ok(), "{:?}: {}", parsed.err(), String::from_utf8_lossy(body));
        return;
    }
    let mut decoder = D::default();
    decoder.feed(body);
    decoder.finish();
    let events = std::iter::from_fn(|| decoder.next_item());
    let added = A::default().add_up(events, |_| {});
    assert!(added.is_ok(), "{:?}: {}", added.err().map(|e| e.0), String::from_utf8_lossy(body));
}

async fn mutations(path: &str, bases: &[Value], seed: u64) {
    let server = MockServer::start().await;
    let mut rng = Rng(seed);
    let (mut answered, mut refused) = (0, 0);
    for base in bases {
        assert_eq!(check(&server, path, base).await, StatusCode::OK, "{base}");
        for _ in 0..CASES / bases.len() {
            match check(&server, path, &mutate(base, &mut rng)).await {
                StatusCode::OK => answered += 1,
                _ => refused += 1,
            }
        }
    }
    // The mutations reach both outcomes (a mutator that only breaks, or only pads, would
    // check half of the property).
    assert!(answered >= 20 && refused >= 20, "{answered} answered, {refused} refused");
}

#[tokio::test]
async fn mutated_responses_requests_get_a_400_or_a_readable_answer() {
    let tool = json!({"type": "function", "name": "get_time", "description": "d",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}});
    let bases = [
        json!({"model": "gpt-4o-mini", "input": "Say hello", "instructions": "Be brief.", "max_output_tokens": 50}),
        json!({"model": "gpt-4o-mini", "stream": true, "tools": [tool], "tool_choice": "required",
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "Time?"}]}]}),
        json!({"model": "gpt-4o-mini", "stream": true, "reasoning": {"effort": "high", "summary": "auto"},
            "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object",
                "properties": {"a": {"type": "string"}}, "required": ["a"]}}},
            "input": [{"type": "message", "role": "user", "content": "x"},
                {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "c1", "output": "ok"}]}),
    ];
    mutations("/v1/responses", &bases, 0x9e37_79b9_7f4a_7c15).await;
}

#[tokio::test]
async fn mutated_messages_requests_get_a_400_or_a_readable_answer() {
    let tool = json!({"name": "get_weather", "description": "d",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}});
    let bases = [
        json!({"model": "claude-sonnet-4.5", "max_tokens": 100, "system": "Be brief.",
            "messages": [{"role": "user", "content": "Say hello"}], "stop_sequences": ["zz"]}),
        json!({"model": "claude-sonnet-4.5", "max_tokens": 2048, "stream": true, "tools": [tool],
            "tool_choice": {"type": "any"},
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Weather?"}]}]}),
        json!({"model": "claude-sonnet-4.5", "max_tokens": 4096, "stream": true,
            "thinking": {"type": "enabled", "budget_tokens": 1024},
            "messages": [{"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"city": "Paris"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "sunny"}]}],
            "tools": [tool]}),
    ];
    mutations("/v1/messages", &bases, 0x2545_f491_4f6c_dd1d).await;
}
