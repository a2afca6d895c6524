//! A whole tool loop and a typed structured output, with Rust types as the contract, against
//! the local emulator (which answers with arguments valid for the tool's schema).
//!
//! `cargo run -p naga-blocking --example blocking_tool_loop`

use std::error::Error;

use naga_blocking::Client;
use naga_mock::MockServer;
use naga_protocol::{ChatRequest, Config, FinishReason, Message, ResponseFormat, Tool, ToolChoice};
use schemars::JsonSchema;
use serde::Deserialize;

/// Arguments of the `get_weather` tool.
#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherArgs {
    /// City name, e.g. "Tokyo".
    city: String,
    /// Temperature unit.
    unit: Option<Unit>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

/// The structured answer we want back.
#[derive(Debug, Deserialize, JsonSchema)]
struct Forecast {
    /// City the forecast is for.
    city: String,
    /// Short summary.
    summary: String,
    /// Expected high.
    high: f64,
}

/// Our side of the tool: a fixed answer.
fn get_weather(args: &WeatherArgs) -> String {
    let (temperature, unit) = match args.unit {
        Some(Unit::Fahrenheit) => (70, "fahrenheit"),
        Some(Unit::Celsius) | None => (21, "celsius"),
    };
    serde_json::json!({ "city": args.city, "temperature": temperature, "unit": unit }).to_string()
}

fn main() -> Result<(), Box<dyn Error>> {
    let server = MockServer::start_blocking();
    let client = Client::new(Config::new("ng-example-key")?.with_base_url(&server.base_url())?)?;

    // 1. The model asks for the tool; its arguments parse into our type.
    let weather = Tool::function::<WeatherArgs>("get_weather", "Current weather for a city.")?;
    let mut request =
        ChatRequest::new("gpt-4o-mini", [Message::user("What is the weather in Tokyo?")])
            .tools(vec![weather])
            .tool_choice(ToolChoice::required());
    let first = client.chat(&request)?;
    assert_eq!(first.finish_reason(), Some(&FinishReason::ToolCalls));
    let choice = first.first_choice().ok_or("no choice")?;
    let mut results = Vec::new();
    for call in choice.message.tool_calls() {
        let args: WeatherArgs = call.arguments()?;
        println!("tool call {} -> get_weather({args:?})", call.id);
        results.push((call.id.clone(), get_weather(&args)));
    }
    assert!(!results.is_empty());

    // 2. Send the results back (assistant message echoed unchanged); the model answers in text.
    request.push_tool_results(&choice.message, results);
    let request = request.tool_choice(ToolChoice::auto());
    let answer = client.chat(&request)?;
    println!("answer: {}", answer.text().unwrap_or_default());
    assert!(answer.tool_calls().is_empty());

    // 3. A typed structured output, streamed and accumulated, parsed into `Forecast`.
    let structured = ChatRequest::new("gpt-4o-mini", [Message::user("Forecast for Tokyo")])
        .response_format(ResponseFormat::json_schema::<Forecast>()?);
    let streamed = client.chat_stream(&structured)?.into_completion()?;
    let forecast: Forecast = streamed.parse()?;
    println!("forecast: {forecast:?}");
    let waited: Forecast = client.chat(&structured)?.parse()?;
    assert_eq!(
        (waited.city, waited.summary, waited.high),
        (forecast.city, forecast.summary, forecast.high)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tool_loop_and_structured_output_run_against_the_emulator() {
        super::main().unwrap();
    }
}
