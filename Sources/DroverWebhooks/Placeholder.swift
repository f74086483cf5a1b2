public enum WebhookPlaceholder {}
