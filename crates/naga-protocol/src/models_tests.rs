use super::*;
use crate::{Config, build_request, parse_response};
use http::{HeaderMap, StatusCode};
use serde_json::json;

fn rich() -> Value {
    json!({
        "id": "claude-sonnet-4.5-20250929", "object": "model", "created": 0, "owned_by": "anthropic",
        "display_name": "Claude Sonnet 4.5", "description": "d", "context_window": 200000,
        "max_output_images": null, "supported_endpoints": ["chat.completions"],
        "pricing": { "per_input_token": 0.0000015, "per_cached_input_token": null,
            "per_output_token": "0.0000075", "per_audio_token": null, "per_output_image_token": null,
            "per_input_text_token": null, "per_input_image_token": null, "per_token": null,
            "per_request": 0.01 },
        "architecture": { "input_modalities": ["text", "image", "file"], "output_modalities": ["text"] },
        "aliases": ["claude-sonnet-4.5"], "deprecates_at": null,
        "supported_parameters": ["temperature"],
        "supported_parameters_by_endpoint": { "chat.completions": ["temperature"] },
        "brand_new_field": {"x": 1}
    })
}

#[test]
fn decodes_the_wrapped_shape_with_every_field() {
    let body = json!({"object": "list", "data": [rich()], "has_more": false});
    let list: ModelList = serde_json::from_value(body).unwrap();
    assert_eq!(list.object.as_deref(), Some("list"));
    assert_eq!(list.extra["has_more"], json!(false));
    let model = &list.data[0];
    assert_eq!(model.id, "claude-sonnet-4.5-20250929");
    assert_eq!(model.context_window, Some(200_000));
    assert_eq!(model.max_output_images, None);
    let pricing = model.pricing.as_ref().unwrap();
    assert_eq!(pricing.per_input_token, Some(0.0000015));
    assert_eq!(pricing.per_output_token, Some(0.0000075));
    assert_eq!(pricing.per_cached_input_token, None);
    assert_eq!(pricing.extra["per_request"], json!(0.01));
    let arch = model.architecture.as_ref().unwrap();
    assert_eq!(arch.input_modalities.as_deref().unwrap(), ["text", "image", "file"]);
    assert_eq!(model.extra["brand_new_field"], json!({"x": 1}));
    assert_eq!(
        model.supported_parameters_by_endpoint.as_ref().unwrap()["chat.completions"],
        ["temperature"]
    );
    assert_eq!(list.get("claude-sonnet-4.5").map(|m| m.id.as_str()), Some(model.id.as_str()));
    assert!(!model.is_free());
}

#[test]
fn decodes_the_bare_array_shape_of_the_old_docs() {
    let body = json!([{"id": "llama-3.3-70b-instruct:free", "available_tiers": ["free"], "limit_group": "free"}, {"id": "gpt-4o-mini"}]);
    let list: ModelList = serde_json::from_value(body).unwrap();
    assert_eq!(list.object, None);
    assert_eq!(
        list.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["llama-3.3-70b-instruct:free", "gpt-4o-mini"]
    );
    assert!(list.data[0].is_free());
    assert_eq!(list.data[0].extra["available_tiers"], json!(["free"]));
    assert_eq!(list.data[1], Model { id: "gpt-4o-mini".into(), ..Model::default() });
}

#[test]
fn wrong_types_become_none_instead_of_failing() {
    let body = json!({"data": [{"id": "m", "context_window": "big", "aliases": "a", "created": 1.5,
        "pricing": {"per_input_token": "cheap"}, "architecture": 7}]});
    let list: ModelList = serde_json::from_value(body).unwrap();
    let model = &list.data[0];
    assert_eq!((model.context_window, model.aliases.as_ref(), model.created), (None, None, None));
    assert_eq!(model.pricing.as_ref().unwrap().per_input_token, None);
    assert_eq!(model.architecture, None);
    // Numbers written another way read; an id sent as a number is its text.
    let body = json!({"data": [{"id": 5, "context_window": 128000.0, "max_output_images": "4"},
        {"id": null}, {"id": "b"}]});
    let list: ModelList = serde_json::from_value(body).unwrap();
    let read: Vec<_> = list.iter().map(|m| (m.id.as_str(), m.context_window)).collect();
    assert_eq!(read, [("5", Some(128_000)), ("b", None)]);
    assert_eq!(list.data[0].max_output_images, Some(4));
}

#[test]
fn an_entry_that_is_no_model_is_skipped_but_a_non_list_fails_to_decode() {
    // One broken entry must not hide the other models.
    let ids = |body: serde_json::Value| {
        let list: ModelList = serde_json::from_value(body).unwrap();
        list.iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(json!({"data": [{"id": "a"}, {"object": "model"}, 7, {"id": "b"}]})),
        ["a", "b"]
    );
    assert_eq!(ids(json!([{"object": "model"}, {"id": "c"}])), ["c"]);
    assert_eq!(ids(json!({"object": "list", "data": null})), Vec::<String>::new());
    assert!(serde_json::from_value::<ModelList>(json!({"object": "list"})).is_err());
    assert!(serde_json::from_value::<ModelList>(json!("models")).is_err());
}

#[test]
fn serializes_as_the_wrapped_shape_and_round_trips() {
    let list: ModelList =
        serde_json::from_value(json!({"object": "list", "data": [rich()]})).unwrap();
    let text = serde_json::to_string(&list).unwrap();
    let again: ModelList = serde_json::from_str(&text).unwrap();
    assert_eq!(again, list);
    let bare: ModelList = serde_json::from_value(json!([{"id": "x"}])).unwrap();
    assert_eq!(serde_json::to_value(&bare).unwrap(), json!({"data": [{"id": "x"}]}));
}

#[test]
fn list_models_is_an_anonymous_get() {
    let request = build_request(&Config::default(), &ListModels).unwrap();
    assert_eq!(request.method(), Method::GET);
    assert!(request.uri().to_string().ends_with("/v1/models"));
    assert!(request.headers().get(http::header::AUTHORIZATION).is_none());
    assert!(request.body().is_empty());
    assert_eq!(ListModels.auth(), Auth::OptionalApiKey);
    let keyed = build_request(&Config::new("ng-key").unwrap(), &ListModels).unwrap();
    assert!(keyed.headers().get(http::header::AUTHORIZATION).is_some());
    assert_eq!(ListModels::NAME, "model list");
}

#[test]
fn parses_a_response_and_an_error() {
    let body = serde_json::to_vec(&json!({"object": "list", "data": [{"id": "a"}]})).unwrap();
    let list = parse_response::<ListModels>(StatusCode::OK, &HeaderMap::new(), &body).unwrap();
    assert_eq!(list.data.len(), 1);
    let err = br#"{"error":{"type":"server_error","message":"down"}}"#;
    let error =
        parse_response::<ListModels>(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), err);
    assert_eq!(error.unwrap_err().status(), Some(StatusCode::SERVICE_UNAVAILABLE));
}

#[test]
fn has_a_json_schema() {
    let schema = schemars::schema_for!(ModelList);
    let text = serde_json::to_string(&schema).unwrap();
    assert!(text.contains("per_input_token"), "{text}");
}
