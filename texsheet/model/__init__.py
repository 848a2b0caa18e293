"""The model: content validated into dataclasses (sheet), where it came from (source), themes and the JSON Schema."""
