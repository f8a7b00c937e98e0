"""The one entry point of sign-in: who is acting, the files that hold tokens, passwords, sessions
and tokens.

The module is split by concern (each below ~400 lines): who is acting and the token files in
:mod:`mediation.access.acting` (:func:`actor_for`, THE one resolver of who is acting, issue 11;
light, since every command runs it), passwords and one-time codes in
:mod:`mediation.access.passwords`, sign-in, sessions and tokens in
:mod:`mediation.access.sessions`. Their public names are re-exported here, so
``from mediation.access import signin; signin.login(...)`` keeps working.
"""

from __future__ import annotations

from mediation.access.acting import (  # re-exported: __all__
    Credentials,
    actor_for,
    forget_session,
    load_session,
    read_private,
    read_session,
    resolve,
    save_session,
    session_path,
    token_hash,
    write_private,
)
from mediation.access.passwords import (  # re-exported: __all__
    CODE_HOURS,
    FAST_ENV,
    MIN_PASSWORD,
    PasswordChangeRequired,
    change_password,
    check_code,
    check_password_rules,
    code_text,
    give_half,
    hash_password,
    issue_code,
    issues_codes,
    needs_halves,
    one_time_code,
    reset_password,
    set_password,
    verdict,
)
from mediation.access.sessions import (  # re-exported: __all__
    LOCKOUT_MINUTES,
    MAX_FAILURES,
    MAX_TOKEN_DAYS,
    NOTICE_ACTIONS,
    SESSION_HOURS,
    TOKEN_PREFIX,
    create_token,
    list_tokens,
    login,
    logout,
    new_token,
    notices,
    revoke_token,
)
from mediation.db.storage import UnitOfWork
from mediation.tables import Committee

__all__ = [
    "CODE_HOURS",
    "FAST_ENV",
    "LOCKOUT_MINUTES",
    "MAX_FAILURES",
    "MAX_TOKEN_DAYS",
    "MIN_PASSWORD",
    "NOTICE_ACTIONS",
    "SESSION_HOURS",
    "TOKEN_PREFIX",
    "Credentials",
    "PasswordChangeRequired",
    "actor_for",
    "change_password",
    "check_code",
    "check_password_rules",
    "code_text",
    "committee_requires_login",
    "create_token",
    "forget_session",
    "give_half",
    "hash_password",
    "issue_code",
    "issues_codes",
    "list_tokens",
    "load_session",
    "login",
    "logout",
    "needs_halves",
    "new_token",
    "notices",
    "one_time_code",
    "read_private",
    "read_session",
    "reset_password",
    "resolve",
    "revoke_token",
    "save_session",
    "session_path",
    "set_password",
    "token_hash",
    "verdict",
    "write_private",
]


def committee_requires_login(uow: UnitOfWork, committee_id: int) -> bool:
    committee = uow.session.get(Committee, committee_id)
    return bool(committee and committee.login_required)
