/// Namespace marker; the parser lands in this target.
public enum TOML {}
