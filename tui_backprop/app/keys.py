"""Which keys reach the app where the focus is: the footer offers only those.

A text field takes every printable key as typing, and Textual already drops such keys from
the footer, except those it cannot map to a character (``plus``, ``minus``): so a field
would still advertise `+ -` for η while `+` types into it. And a terminal sends escape and a
quick next key as one *alt+key*, which a field would type (`2-16-16-3q` instead of leaving
the field and quitting): ``split_escape`` undoes that.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.keys import key_to_character

#: key names whose character Textual's ``key_to_character`` does not know
_CHARACTERS = {"plus": "+", "minus": "-"}


def character_of(key: str) -> str | None:
    """The character a key types, if any."""
    return key_to_character(key) or _CHARACTERS.get(key)


def typed_by_focus(node: DOMNode, action: str) -> bool:
    """True when the focused widget would take every key bound to ``action`` on ``node``
    as typing (so the binding cannot act there, and the footer should not offer it)."""
    focused = node.app.focused
    if focused is None:
        return False
    keys = [
        key
        for holder in (node, node.app.screen)
        for key, bindings in holder._bindings.key_to_bindings.items()
        if any(_action_name(binding.action) == action for binding in bindings)
    ]
    return bool(keys) and all(focused.check_consume_key(key, character_of(key)) for key in keys)


def split_escape(key: str) -> str | None:
    """The plain key of an *alt+key* that is really escape then key (a terminal sends both
    as one sequence when typed quickly), or None for any other key."""
    plain = key.removeprefix("alt+")
    if plain == key or "+" in plain or character_of(plain) is None:
        return None
    return plain


def _action_name(action: str) -> str:
    """ "app.scale_eta(1.5)" → "scale_eta"."""
    return action.split("(")[0].rsplit(".", 1)[-1]
