//! `ResponsesRequest::validate`: the documented rules, checked before anything is sent.

use super::item::{ItemContent, ResponseItem};
use super::options::{ResponseTool, ResponseToolChoice, TextFormat};
use super::part::ItemPart;
use super::request::{ResponseInput, ResponsesRequest};
use crate::chat::Role;
use crate::chat::validate::{
    ToolTurn, check_name, check_range, check_results_answer_calls, check_unique_name,
    image_url_problem, is_data_url, is_http_url, pdf_data_problem, require_type,
};
use crate::error::Error;
use crate::lenient::check_known;
use crate::operation::{check_extra, check_model};

/// Body fields with a typed home; `extra` must not repeat them.
const KNOWN_FIELDS: [&str; 13] = [
    "model",
    "input",
    "instructions",
    "max_output_tokens",
    "temperature",
    "top_p",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "truncation",
    "reasoning",
    "text",
    "stream",
];

impl ResponsesRequest {
    /// Checks the documented rules and returns the first violation as
    /// [`Error::InvalidRequest`] naming the field (e.g. `input[2].call_id`).
    pub fn validate(&self) -> Result<(), Error> {
        check_model(&self.model)?;
        match &self.input {
            ResponseInput::Text(_) => {}
            ResponseInput::Items(items) if items.is_empty() => {
                return Err(Error::invalid("input", "must hold at least one item"));
            }
            ResponseInput::Items(items) => {
                for (index, item) in items.iter().enumerate() {
                    validate_item(index, item)?;
                }
                // A conversation continued by id, or items referenced by id, have their
                // calls on the server.
                let stored = ["previous_response_id", "conversation"];
                if !stored.iter().any(|key| self.extra.contains_key(*key))
                    && !items.iter().any(is_item_reference)
                {
                    validate_call_outputs(items)?;
                }
            }
        }
        self.validate_options()?;
        check_range("temperature", self.temperature, 0.0..=2.0)?;
        check_range("top_p", self.top_p, 0.0..=1.0)?;
        if self.max_output_tokens == Some(0) {
            return Err(Error::invalid("max_output_tokens", "must be at least 1"));
        }
        self.validate_tools()?;
        if let Some(TextFormat::JsonSchema(format)) =
            self.text.as_ref().and_then(|t| t.format.as_ref())
        {
            check_name("text.format.name", &format.name)?;
            if format.schema.is_none() {
                return Err(Error::invalid("text.format.schema", "is required for json_schema"));
            }
        }
        check_extra(self.extra.keys(), &KNOWN_FIELDS)
    }

    /// The open enums of the options: documented values only.
    fn validate_options(&self) -> Result<(), Error> {
        if let Some(truncation) = &self.truncation {
            check_known("truncation", truncation)?;
        }
        let reasoning = self.reasoning.as_ref();
        if let Some(effort) = reasoning.and_then(|r| r.effort.as_ref()) {
            check_known("reasoning.effort", effort)?;
        }
        if let Some(summary) = reasoning.and_then(|r| r.summary.as_ref()) {
            check_known("reasoning.summary", summary)?;
        }
        if let Some(verbosity) = self.text.as_ref().and_then(|t| t.verbosity.as_ref()) {
            check_known("text.verbosity", verbosity)?;
        }
        match &self.tool_choice {
            Some(ResponseToolChoice::Mode(mode)) => check_known("tool_choice", mode)?,
            Some(ResponseToolChoice::Other(choice)) => require_type("tool_choice.type", choice)?,
            _ => {}
        }
        Ok(())
    }

    fn validate_tools(&self) -> Result<(), Error> {
        let tools = self.tools.as_deref().unwrap_or_default();
        for (index, tool) in tools.iter().enumerate() {
            if let ResponseTool::Function(function) = tool {
                check_name(format!("tools[{index}].name"), &function.name)?;
                let earlier = tools.iter().take(index).map(ResponseTool::function_name);
                check_unique_name(format!("tools[{index}].name"), &function.name, earlier)?;
            }
        }
        if let Some(ResponseToolChoice::Function(named)) = &self.tool_choice
            && !tools.iter().any(|tool| tool.function_name() == Some(named.name.as_str()))
        {
            return Err(Error::invalid(
                "tool_choice.name",
                format!("names `{}`, which is not one of the function `tools`", named.name),
            ));
        }
        Ok(())
    }
}

fn validate_item(index: usize, item: &ResponseItem) -> Result<(), Error> {
    let required = |field: &str, value: &str| {
        if value.trim().is_empty() {
            return Err(Error::invalid(format!("input[{index}].{field}"), "is required"));
        }
        Ok(())
    };
    match item {
        ResponseItem::Message(message) => {
            check_known(format!("input[{index}].role"), &message.role)?;
            if message.role == Role::Tool {
                return Err(Error::invalid(
                    format!("input[{index}].role"),
                    "is `tool`; a tool's result is a function_call_output item",
                ));
            }
            validate_content(index, "content", &message.content)
        }
        ResponseItem::FunctionCall(call) => {
            required("call_id", &call.call_id)?;
            required("name", &call.name)
        }
        ResponseItem::FunctionCallOutput(output) => {
            required("call_id", &output.call_id)?;
            validate_content(index, "output", &output.output)
        }
        _ => Ok(()),
    }
}

/// Whether `item` is an `item_reference` (an earlier item the server keeps, named by id).
fn is_item_reference(item: &ResponseItem) -> bool {
    matches!(item, ResponseItem::Other(fields) if fields.get("type").and_then(serde_json::Value::as_str) == Some("item_reference"))
}

/// Each function_call_output answers a function_call item before it (by `call_id`).
fn validate_call_outputs(items: &[ResponseItem]) -> Result<(), Error> {
    let turns = items.iter().enumerate().filter_map(|(index, item)| match item {
        ResponseItem::FunctionCall(call) => Some(ToolTurn::Call(&call.call_id)),
        ResponseItem::FunctionCallOutput(output) => Some(ToolTurn::Result(&output.call_id, index)),
        _ => None,
    });
    check_results_answer_calls(turns, |index, id| {
        let reason = format!("is `{id}`, which no earlier function_call item has");
        (format!("input[{index}].call_id"), reason)
    })
}

fn validate_content(index: usize, field: &str, content: &ItemContent) -> Result<(), Error> {
    let ItemContent::Parts(parts) = content else { return Ok(()) };
    if parts.is_empty() {
        return Err(Error::invalid(
            format!("input[{index}].{field}"),
            "must not be an empty list of parts",
        ));
    }
    for (part_index, part) in parts.iter().enumerate() {
        validate_part(part).map_err(|(name, reason)| {
            Error::invalid(format!("input[{index}].{field}[{part_index}].{name}"), reason)
        })?;
    }
    Ok(())
}

fn validate_part(part: &ItemPart) -> Result<(), (&'static str, &'static str)> {
    match part {
        ItemPart::InputImage(image) => match (&image.image_url, &image.file_id) {
            (Some(url), _) => image_url_problem(url).map_or(Ok(()), |p| Err(("image_url", p))),
            (None, None) => Err(("image_url", "or `file_id` is required")),
            _ => Ok(()),
        },
        ItemPart::InputFile(file) => {
            let sources = [&file.file_data, &file.file_url, &file.file_id];
            match sources.iter().filter(|source| source.is_some()).count() {
                0 => return Err(("file_data", "or `file_url` or `file_id` is required")),
                1 => {}
                _ => return Err(("file_data", "`file_url` and `file_id` are exclusive: give one")),
            }
            if let Some(data) = &file.file_data {
                // Naga's files are PDFs; a data URL must say so (raw base64 is taken as is).
                if let Some(problem) = pdf_data_problem(data) {
                    return Err(("file_data", problem));
                }
            }
            match &file.file_url {
                Some(url) if !is_http_url(url) => Err(("file_url", "must be an http(s) URL")),
                _ => Ok(()),
            }
        }
        ItemPart::InputAudio(audio) if is_data_url(&audio.input_audio.data) => {
            Err(("input_audio.data", "must be raw base64, not a data: URI"))
        }
        _ => Ok(()),
    }
}
