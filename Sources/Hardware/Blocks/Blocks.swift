/// Hardware blocks written as descriptions.
public enum Blocks {}
