"""The pure core: vocabularies, money, clock, errors, i18n, identity, categories. No SQLAlchemy."""
