public enum LoadTestPlaceholder {}
