"""Reading what people write: a Markdown note or an image-model prompt, turned into located content."""
