//! Which tools the emulated model calls, with arguments valid against each tool's schema.
//!
//! Rules: no calls when `tools` is empty, `tool_choice` is `none`, or the conversation ends
//! with tool results (the model then answers with text). A named `tool_choice` calls that
//! function. Otherwise the tools whose names appear in the last user message are called (only
//! the first when `parallel_tool_calls` is false); with `required` and no name mentioned, the
//! first tool is called.

use serde_json::{Map, Value, json};

use crate::answer::{last_role, last_with_role, message_text};
use crate::schema_gen::generate;
use crate::seed::fnv1a;

/// One emulated tool call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolCall {
    pub(crate) id: String,
    pub(crate) name: String,
    /// The arguments as compact JSON text.
    pub(crate) arguments: String,
}

/// The tool calls for a validated request (empty for a text answer).
pub(crate) fn tool_calls(req: &Map<String, Value>, seed: u64) -> Vec<ToolCall> {
    let tools = functions(req);
    if tools.is_empty() || last_role(req) == Some("tool") {
        return Vec::new();
    }
    let chosen = choose(req, &tools);
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, function)| make_call(function, seed.wrapping_add(i as u64)))
        .collect()
}

fn functions(req: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    let tools = req.get("tools").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    tools.iter().filter_map(|t| t.get("function").and_then(Value::as_object)).collect()
}

fn name(function: &Map<String, Value>) -> &str {
    function.get("name").and_then(Value::as_str).unwrap_or_default()
}

fn choose<'a>(
    req: &Map<String, Value>,
    tools: &[&'a Map<String, Value>],
) -> Vec<&'a Map<String, Value>> {
    let choice = req.get("tool_choice");
    if let Some(named) = choice.and_then(|c| c.pointer("/function/name")).and_then(Value::as_str) {
        return tools.iter().filter(|t| name(t) == named).take(1).copied().collect();
    }
    let mode = choice.and_then(Value::as_str).unwrap_or("auto");
    if mode == "none" {
        return Vec::new();
    }
    let said = last_with_role(req, "user").map(message_text).unwrap_or_default();
    let mut mentioned: Vec<_> = tools.iter().filter(|t| said.contains(name(t))).copied().collect();
    if req.get("parallel_tool_calls") == Some(&Value::Bool(false)) {
        mentioned.truncate(1);
    }
    if mentioned.is_empty() && mode == "required" {
        mentioned.extend(tools.first().copied());
    }
    mentioned
}

fn make_call(function: &Map<String, Value>, seed: u64) -> ToolCall {
    let name = name(function).to_owned();
    let seed = seed ^ fnv1a(name.as_bytes());
    let arguments = match function.get("parameters") {
        Some(schema @ Value::Object(_)) => generate(schema, seed),
        _ => json!({}),
    };
    ToolCall { id: format!("call_{:016x}", seed), name, arguments: arguments.to_string() }
}

/// Splits tool-call arguments into several fragments (about four) on character boundaries.
pub(crate) fn argument_fragments(arguments: &str) -> Vec<String> {
    let chars: Vec<char> = arguments.chars().collect();
    let size = chars.len().div_ceil(4).max(1);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_rebuild_the_arguments() {
        let args = r#"{"city":"東京","days":3}"#;
        let parts = argument_fragments(args);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts.concat(), args);
        assert!(argument_fragments("").is_empty());
    }
}
