//! `MessagesRequest::validate`: the documented rules, checked before anything is sent.

use super::block::{BlockContent, ContentBlock, MediaSource};
use super::request::{MessageRole, MessagesRequest, MessagesTool, MessagesToolChoice, Thinking};
use crate::chat::validate::{
    ToolTurn, check_name, check_range, check_results_answer_calls, check_unique_name, is_data_url,
    is_http_url,
};
use crate::error::Error;
use crate::lenient::check_known;
use crate::operation::{check_extra, check_model};

/// The image types Anthropic's `image` blocks take.
const IMAGE_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Body fields with a typed home; `extra` must not repeat them.
const KNOWN_FIELDS: [&str; 12] = [
    "model",
    "max_tokens",
    "messages",
    "system",
    "temperature",
    "top_p",
    "stop_sequences",
    "tools",
    "tool_choice",
    "thinking",
    "output_config",
    "stream",
];

/// Most messages one request may hold.
const MAX_MESSAGES: usize = 100_000;

impl MessagesRequest {
    /// Checks the documented rules and returns the first violation as
    /// [`Error::InvalidRequest`] naming the field (e.g. `messages[1].content[0].tool_use_id`).
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        if self.max_tokens == 0 {
            return Err(Error::invalid("max_tokens", "must be at least 1"));
        }
        if self.messages.is_empty() || self.messages.len() > MAX_MESSAGES {
            return Err(Error::invalid("messages", "must hold 1 to 100000 messages"));
        }
        for (index, message) in self.messages.iter().enumerate() {
            check_known(format!("messages[{index}].role"), &message.role)?;
            validate_content(index, &message.role, &message.content)?;
        }
        validate_tool_results(&self.messages)?;
        if let Some(effort) = self.output_config.as_ref().and_then(|c| c.effort.as_ref()) {
            check_known("output_config.effort", effort)?;
        }
        check_range("temperature", self.temperature, 0.0..=2.0)?;
        check_range("top_p", self.top_p, 0.0..=1.0)?;
        // Anthropic's models want at least 1024, and below `max_tokens` unless thinking is
        // interleaved; other models behind Naga have their own rules, so only 0 is refused.
        if let Some(Thinking::Enabled { budget_tokens: 0 }) = &self.thinking {
            return Err(Error::invalid("thinking.budget_tokens", "must be at least 1"));
        }
        self.validate_tools()?;
        check_extra(self.extra.keys(), &KNOWN_FIELDS)
    }

    fn validate_tools(&self) -> Result<(), Error> {
        let tools = self.tools.as_deref().unwrap_or_default();
        for (index, tool) in tools.iter().enumerate() {
            if let MessagesTool::Custom(custom) = tool {
                check_name(format!("tools[{index}].name"), &custom.name)?;
                let earlier = tools.iter().take(index).map(MessagesTool::name);
                check_unique_name(format!("tools[{index}].name"), &custom.name, earlier)?;
                if !custom.input_schema.is_object() {
                    return Err(Error::invalid(
                        format!("tools[{index}].input_schema"),
                        "must be a JSON Schema object",
                    ));
                }
            }
        }
        if let Some(choice) = &self.tool_choice {
            validate_tool_choice(choice, tools)?;
        }
        Ok(())
    }
}

/// A choice of a known `type`; a `tool` choice names one of `tools`.
fn validate_tool_choice(choice: &MessagesToolChoice, tools: &[MessagesTool]) -> Result<(), Error> {
    let kind = choice.kind().unwrap_or_default();
    if !["auto", "any", "none", "tool"].contains(&kind) {
        let reason = format!("is `{kind}`, not one of auto, any, none, tool");
        return Err(Error::invalid("tool_choice.type", reason));
    }
    if kind != "tool" {
        return Ok(());
    }
    let name = choice.tool_name().unwrap_or_default();
    if !tools.iter().any(|tool| tool.name() == Some(name)) {
        let reason = format!("names `{name}`, which is not one of `tools`");
        return Err(Error::invalid("tool_choice.name", reason));
    }
    Ok(())
}

/// Each tool_result answers a tool_use of an earlier assistant message (by id).
fn validate_tool_results(messages: &[super::request::MessageParam]) -> Result<(), Error> {
    let turns = messages.iter().enumerate().flat_map(|(index, message)| {
        let blocks = match &message.content {
            BlockContent::Blocks(blocks) => blocks.as_slice(),
            BlockContent::Text(_) => &[],
        };
        blocks.iter().enumerate().filter_map(move |(at, block)| match block {
            ContentBlock::ToolUse(call) => Some(ToolTurn::Call(&call.id)),
            ContentBlock::ToolResult(result) => {
                Some(ToolTurn::Result(&result.tool_use_id, (index, at)))
            }
            _ => None,
        })
    });
    check_results_answer_calls(turns, |(index, at), id| {
        let field = format!("messages[{index}].content[{at}].tool_use_id");
        (field, format!("is `{id}`, which no earlier tool_use has"))
    })
}

fn validate_content(index: usize, role: &MessageRole, content: &BlockContent) -> Result<(), Error> {
    let BlockContent::Blocks(blocks) = content else { return Ok(()) };
    if blocks.is_empty() {
        return Err(Error::invalid(
            format!("messages[{index}].content"),
            "must not be an empty list of blocks",
        ));
    }
    for (block_index, block) in blocks.iter().enumerate() {
        validate_block(role, block).map_err(|(field, reason)| {
            let field = if field.is_empty() { String::new() } else { format!(".{field}") };
            Error::invalid(format!("messages[{index}].content[{block_index}]{field}"), reason)
        })?;
    }
    Ok(())
}

fn validate_block(
    role: &MessageRole,
    block: &ContentBlock,
) -> Result<(), (&'static str, &'static str)> {
    let assistant = *role == MessageRole::Assistant;
    match block {
        ContentBlock::ToolUse(_)
        | ContentBlock::Thinking(_)
        | ContentBlock::RedactedThinking(_)
            if !assistant =>
        {
            Err(("", "is only allowed in assistant messages"))
        }
        // Images may be replayed in assistant turns: Naga answers with `image` blocks.
        ContentBlock::ToolResult(_) | ContentBlock::Document(_) if assistant => {
            Err(("", "is only allowed in user messages"))
        }
        ContentBlock::ToolResult(result) if result.tool_use_id.trim().is_empty() => {
            Err(("tool_use_id", "is required"))
        }
        ContentBlock::Image(media) | ContentBlock::Document(media) => match &media.source {
            MediaSource::Base64 { data, .. } if is_data_url(data) => {
                Err(("source.data", "must be raw base64, not a data: URL"))
            }
            MediaSource::Base64 { data, .. } if data.trim().is_empty() => {
                Err(("source.data", "must not be empty"))
            }
            MediaSource::Base64 { media_type, .. }
                if matches!(block, ContentBlock::Image(_))
                    && !IMAGE_TYPES.contains(&media_type.trim().to_ascii_lowercase().as_str()) =>
            {
                Err(("source.media_type", "must be image/jpeg, image/png, image/gif or image/webp"))
            }
            MediaSource::Url { url } if !is_http_url(url) => {
                Err(("source.url", "must be an http(s) URL"))
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}
