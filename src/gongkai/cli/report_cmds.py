"""``gongkai parse`` and ``gongkai check``."""
