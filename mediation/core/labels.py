"""How a staff member is named to people: pure, so every layer (the case store's refusal of a
stale step, the access layer's ``staff_names``, the views) shows staff one way."""

from __future__ import annotations


def staff_label(username: str, name: str | None, *, shared: bool = False) -> str:
    """THE way a staff member is shown to people (``staff_names.label``): the display name
    (``李明``); with the user name when two staff members of the committee share it
    (``李明(liming)``); the user name alone when there is no display name. Machine output
    (JSON) keeps the user name."""
    if not name or name == username:
        return username
    return f"{name}({username})" if shared else name
