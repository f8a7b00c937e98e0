"""The one-line messages over the 80-column budget when tests/unit/test_message_width.py was
written (issue 14): each is to be shortened, and each list may only shrink: a message that fits
now must leave its list, and no other may join it."""

from __future__ import annotations

# under zh: none left
ZH_LEFT: frozenset[str] = frozenset({
    '--at {when} is before the case was registered ({registered}): no step precedes the '
    'registration (a registration time entered wrong is corrected with case amend '
    '--registered-at)',
    'parties {n} and {m} are one person on both sides; if they are two people of the same name, '
    'give both their ID numbers',
    'records of sessions printed before carry the old numbers: {which}; print them again '
    '(mediation case print session {case} --version N)',
    'the parties may apply for judicial confirmation until {date}: a filing made by then is still '
    'recorded after closing (case judicial --filed)',
    'this session ({when}) was held before session {first} already recorded: it is session {no}, '
    'and the later ones are renumbered: {moves}',
    'write N:{{...}}, e.g. {n}:{{"representative": {{"name": "王建华", "title": "总经理"}}}} or '
    '{n}:{{"phone": "13900001111"}}',
    '{number}: now {state} (version {version}, event {event}), recorded by {by}',
    '{option} {when} is in the future (now {now}); if you meant yesterday, write {option} '
    '"yesterday {time}"',
    '{origin}: a {kind} file, not JSON; case import reads .jsonl, .csv or .xlsx: save it as .xlsx '
    'or CSV (see docs/case-json.md)',
    '{origin}: a {kind} file, not JSON; case new --file takes one case as JSON (see '
    'docs/case-json.md); a ledger of cases goes through case import',
    '{origin}: cannot be read as an .xlsx workbook; save it again from Excel or WPS as .xlsx or '
    'CSV',
    "{origin}: column {column} ({header}) names no field; the columns are the fields' names or "
    "codes, a party's after its role: 申请人姓名, 被申请人2电话 (see docs/case-json.md)",
    '{origin}: the first row names no field; it must be the header, naming the columns (see '
    'docs/case-json.md)',
    '{ref!r} is not a case: give its id ({id}), its number ({number}, brackets half- or '
    'full-width: {wide}) or a short form ({short}, {dated}, {seq_only}, {seq_bare})',
})

# under en: the English texts (the message ids), to be shortened with their ids
EN_KNOWN: frozenset[str] = frozenset({
    '#{seq} {time} {actor} ({role}) {action} {move}',
    '(note: {others} is also named {name}; where the name is given, you will be asked to choose a '
    'user name)',
    '--at {when} is before the case became {state} ({previous}): this record belongs to that state',
    '--at {when} is before the case was registered ({registered}): no step precedes the '
    'registration (a registration time entered wrong is corrected with case amend '
    '--registered-at)',
    "--at {when} is before the case's previous step, {step} ({previous})",
    '--at {when} is more than {days} days ago: a step may be entered at most {days} days late '
    '(committee setting: mediation calendar set --late-entry-days)',
    '--at: the case cannot be registered before the dispute was discovered ({discovered})',
    "--registered-at {when} is after the case's first step after registration, {step} ({time}): a "
    'case is registered before any step',
    '--registered-at {when} is before the dispute was discovered ({discovered})',
    "--registered-at {when} is not in {year}: the case number is {year}'s",
    '--reveal needs --reason: why the full personal data is needed (it is recorded)',
    '2026-11, 2026年11月, 11月 (the most recent November), this month or last month',
    'An unfinished intake kept by an earlier version, whose owner is not known, is deleted unread.',
    'Filed {case} on {date}; kept for {period}; {count} documents frozen.',
    'Finished cases are anonymised {days} days after they ended (closed, withdrawn, or declined '
    'and never closed).',
    'Follow-up {time}: performance {performance}, {satisfaction}. {note}',
    'How to print (default: a table on a terminal, tab-separated rows in a pipe).',
    'Is the party an adult without full civil capacity, who takes part through a guardian (Civil '
    'Code arts. 21-23)?',
    'LibreOffice (soffice) was not found: the .docx files were written. For one PDF of the whole '
    'file install it (Debian: apt-get install libreoffice-writer-nogui fonts-noto-cjk '
    'poppler-utils) and run this again, or open the files in WPS or Word and print them to PDF.',
    'LibreOffice could not convert the file ({error}): the .docx files were written, without the '
    'PDF',
    'MEDIATION_USER/--user names {user}: unset it, or commands will be refused while you are '
    'signed in as {signed}.',
    'May duplicate a case only the director sees; check, or add --force (recorded).',
    'May duplicate {numbers} and a case only the director sees; check, or add --force (recorded).',
    'Note: names are masked for your role ({role}): a party is found and shown only by a masked '
    'name such as 张某, never by the full name.',
    'Note: the same party is in an open case of another committee: {cases}. Decide with that '
    'committee whether this is one dispute.',
    "Nothing of yours is due. The whole committee's agenda: `mediation agenda --committee`.",
    'Nothing of yours is due. With the cases waiting in intake: `mediation agenda`.',
    'Nothing since {day} (latest {last}): give an earlier --since or omit it',
    'Notice: the district administrator {admin} did "{act}" ({user}) on {time}.',
    "Notice: {giver} gave the committee's half of the one-time code of {user} on {time}.",
    'Notice: {user} signed in with a one-time code and chose a password on {time}.',
    'One consented extension adds at most {days} days; extensions per case: {n}.',
    'Restored {file} from {source} (schema revision {rev}).',
    'Signed in as {user} ({role}) until {time}; {previous} is signed out.',
    'Small numbers: with only {n} concluded cases the interval is wide; do not compare rates on '
    'their own.',
    'Success rate: none — no case concluded in this period (the denominator is 0).',
    'Sweep {id} recorded: {area} on {date}, a zero report (no disputes found).',
    "The director's name is recorded as {user}; give the real name with `mediation staff name "
    '{user} NAME`.',
    "The district administrator's name is recorded as {user}; give the real name with `mediation "
    'staff name {user} NAME`.',
    'The event log holds: {events} events, head {seq} ({hash}), {cases} cases replayed.',
    'Token {id} for {user}, valid until {time}, written to {path}. Use it with --token-file or '
    'MEDIATION_TOKEN_FILE.',
    'Unchecked anchors (no signature checked; pass --key to require signed checkpoints): {files}',
    'What was typed is kept in {path}: `{command}` continues it; answer n there to discard it.',
    'When was the case registered? (e.g. 11-28 or 2026-11-28 09:30; empty: now)',
    'Whether a case is closed and filed only after at least one follow-up visit.',
    'Write DIR/D/ (D: the day exported) atomically: {files}; personal data masked.',
    'Wrote {path}: {period}, {succeeded} succeeded of {concluded} concluded.',
    '`mediation login USER` signs in (or, where the committee does not require sign-in, '
    'MEDIATION_USER names who acts)',
    'a Mainland travel permit for Hong Kong and Macao residents is H or M and 8 or 10 digits '
    '(H12345678)',
    'a Mainland travel permit for Taiwan residents is 8 or 10 digits (12345678)',
    'a case is closed and filed after its follow-up: record at least one visit first (case visit)',
    'a case is closed and filed after its outcome is fed back: record the feedback first (case '
    'feedback)',
    "a closed case records only the court's decision on a filing made before it was closed "
    '(--result)',
    "a foreigner's permanent residence ID card is 3 letters and 12 digits, or 18 characters like "
    'a resident ID',
    'a mobile as 13812345678 (also 138-1234-5678, 138 1234 5678, +86 138 1234 5678, 0086 '
    '13812345678) or a landline with its area code as 0731-88886666 (also (0731)88886666, 0731 '
    '8888 6666, an extension as 0731-88886666-123)',
    'a party is added or removed, or its role changed, only before the case is accepted (a new '
    'party is a new case); the case is {state}: in this state only {allowed} may be',
    "a person's document is a resident ID card, a passport, a travel permit or a permanent "
    "residence ID card; a credit code is an organisation's",
    'a unified social credit code is 18 characters: digits and capital letters other than I, O, '
    'S, V and Z (GB 32100)',
    'an agreement is reached in mediation: record at least one session first (case session)',
    'an agreement that settles an amount should be written: the Rules (art. 34) expect a written '
    'agreement where civil rights and obligations are settled',
    'an organisation is identified by its unified social credit code: give id_type credit_code, '
    'or none',
    'cancelled; nothing was registered. What was typed is kept in {path}; `{command}` continues '
    'it.',
    'case {case} has no {document} number {no}; it has numbers: {numbers}',
    'case {case} has no {document}; what can be printed for it now: {available}',
    'case {case} is {state} at version {version} but no event records it',
    'case {case} is {state} at version {version}, but replaying its events gives {replayed} at '
    'version {replayed_version}',
    'case {case} is {state}: only a closed case is filed (归档)',
    'case {case} was changed by {actor} at {at} (now version {version}); reload it and try again',
    'case {case}: no next session is scheduled: nothing to cancel',
    'case {case}: row {row} is in the case file, but no event recorded it',
    'case {case}: row {row}, recorded by event {seq}, is missing from the case file',
    'case {case}: this session is already booked, at the same time and place: nothing recorded',
    'case {case}: this {step} is already recorded ({when}, the same content): a record typed '
    'twice is kept once, nothing was written (a second one that day differs in what it records)',
    "case {case}: {action} does not follow from the case's earlier events: {why}",
    'case {case}: {field} differs from what its events recorded (last set by event {seq})',
    'data/numbering/{name}.json: {category!r} is not the name of a reporting category in '
    'data/categories.json',
    'expected a value: a text in double quotes, a number, true, false, null, an object or a list',
    "give --file FILE (or '-' for standard input); the guided intake needs a terminal",
    'guardian {name} ({relation})',
    'has no case agenda: what became of your leads is in `mediation lead list --mine`',
    'internal error ({kind}): {detail}. The step was not recorded. Set MEDIATION_DEBUG=1 to see '
    'the details.',
    'internal error. The step was not recorded. Set MEDIATION_DEBUG=1 to see the details.',
    'is in the future (after this registration); give the time the dispute was found, at the '
    'latest now',
    'its content does not match its hash: the event was altered after it was written',
    "its period ends {date}: record the agreement, or extend the period with the parties' consent "
    'before then',
    'its prev_hash is not the hash of the event before it: the chain is broken here (an event was '
    'removed, inserted, reordered or rewritten)',
    'judicial confirmation applies to a written agreement, submitted with the application (SPC '
    'Interpretation [2011] No. 5 art. 3); this agreement is oral',
    'judicial confirmation must be applied for within {days} days of the agreement taking effect '
    '({date})',
    'line {line}: a probable duplicate exists in this committee; the director can see it; use '
    '--force to import it anyway',
    'line {line}: probable duplicate of {number} ({why}); use --force to import it anyway',
    'may not make {target} {granted}: that role sees case content and yours does not; the '
    "committee's director changes roles in the committee, or add a new account (its one-time code "
    'comes in two halves)',
    'mediation ended {date}: report the outcome back to whoever brought the dispute',
    'no database at {path}; create one with `mediation init` (a committee) or `mediation demo` '
    '(an example), or choose another with --db or MEDIATION_DB',
    'no folder {folder} to write {path} in: make it first, or give another place',
    'no follow-up visit since {date}: visit the parties and record how the agreement is performed',
    'no mediation database at {url}; run `mediation init` first',
    'no retention period is set; a director sets one with `mediation retention set --days N`',
    'no retention period: give --retention-days N, or a director sets one with `mediation '
    'retention set --days N`',
    'no staff member named "{user}" in this committee; the staff are: {staff}',
    'nobody named {typed} may mediate in this committee; those who may: {able}',
    'not a period: {value} (use 2026-11, 2026Q4, 2026, 2026-01-01..2026-03-31, {words})',
    "note: `agenda --all` is now `agenda --committee` (the whole committee's agenda); --all lists "
    'every row in case list and audit log.',
    'nothing to correct: give a field to change (see mediation case amend --help)',
    "on PostgreSQL, back up with pg_dump from the server's version, e.g. pg_dump --format=custom "
    "--file={file} '{url}' (it is not on the PATH here; see docs/deploy.md)",
    'on PostgreSQL, restore with pg_restore into an empty database, e.g. pg_restore --no-owner '
    "--dbname='{url}' {file} (see docs/deploy.md)",
    'only an organisation or a legal person has a legal representative or person in charge; a '
    'person takes part in person or through a guardian',
    'parties {n} and {m} are one person on both sides; if they are two people of the same name, '
    'give both their ID numbers',
    'past its period (it ended {date}): conclude it, with the agreement reached or by ending '
    'mediation',
    'pdfunite (Debian package poppler-utils) was not found: the .docx files were written, without '
    'the PDF of the whole file',
    'record the advice given to the parties (--advice: which court or authority)',
    'record to whom the outcome was reported (--to: the party, the grid worker, the referring '
    'court, police station or office)',
    'record which party asked for another mediator (--party) and why (--reason)',
    'records of sessions printed before carry the old numbers: {which}; print them again '
    '(mediation case print session {case} --version N)',
    'several staff members are named {name}: give the user name, one of {users}',
    'sign-in is required here, so the first user needs a password (prompted, or --password-stdin)',
    'signed in as {signed}, but MEDIATION_USER/--user names {user}; unset it or sign in as {user}',
    'that is in the future: give the time the case was registered, at the latest now',
    'that is in the future: give the time the dispute was found, at the latest now',
    "that is one half of the one-time code of {user}: type both halves, the administrator's and "
    "the committee's (a member of the committee gives it with `mediation staff code {user}`)",
    'the 30 days to apply for judicial confirmation end {date}, if the parties want it',
    'the agreement is {performance} and no party was urged to perform: urge performance first '
    '(case urge), then close it with the reason',
    'the agreement settles an amount but names no performance deadline: give --due YYYY-MM-DD '
    '(Law art. 29), or add it later (case amend --agreement-due), so the agenda reminds the visit '
    'when it falls due',
    'the agreement took effect {date}: report the outcome back to whoever brought the dispute',
    'the agreement was to be performed by {date}: visit the parties and record how it is performed',
    'the case cannot be registered before the dispute was found ({discovered}): give the '
    'registration time again',
    'the case has no agreement in force to correct (an agreement is corrected once agreed and '
    'until the case is closed); in this state only {allowed} may be',
    'the case was closed on {date}: a feedback is recorded only if it was given on or before that '
    'day (--at YYYY-MM-DD)',
    'the case was declined {date}: report it back to whoever brought the dispute',
    'the check character of the unified social credit code does not match (GB 32100)',
    "the committee's half of your own code is given by another member of the committee",
    'the database already holds data; the demo needs an empty one (use --fresh for an earlier '
    'demo)',
    'the database is busy: another terminal is writing to it; nothing was written, try again in a '
    'moment',
    'the database stayed busy after {attempts} attempts; nothing was written, try again',
    'the dispute cannot have been found after the case was registered ({registered}): give the '
    'time it was found',
    'the district administrator creates no token for another account (it would act as {user}); '
    "the committee's director does",
    'the district administrator does not choose passwords for others: `mediation staff reset '
    '{user}` gives {user} a one-time code',
    'the district administrator does not choose passwords for others: the new account gets a '
    'one-time code',
    'the event cannot be read: its changes are not canonical JSON (duplicate keys, key order, '
    'spacing, a float), or a field is not UTF-8 or is malformed',
    'the filing date {filed} is before the agreement took effect ({date}): a filing is made on or '
    'after that day, within {days} days',
    'the follow-up visit of {date} found the agreement not fully performed: urge performance',
    'the head published in {file} has hash {published}, the log now has {actual}: history up to '
    'it was rewritten',
    'the head {seq} published in {file} is beyond the end of the log ({last}): the log was '
    'truncated',
    'the judicial confirmation filed was already decided ({result}, {date}); no filing is pending',
    'the key in {file} is too short: use at least {n} random bytes (e.g. `openssl rand -hex 32 > '
    '{file}`)',
    'the latest follow-up visit found the agreement {performance}: urge performance and visit '
    'again (case urge, case visit), or a director closes it with the reason (--reason, e.g. the '
    'parties were told they may sue)',
    'the log head says event {head} ({head_hash}) but the last event is {last} ({last_hash}): '
    "events were added or removed behind the application's back",
    "the next session's time {when} has passed (now {now}): write a time to come, such as "
    'tomorrow 9:30',
    'the one-time code of {user} has expired; ask for a new one (`mediation staff reset {user}`)',
    'the parties have not been told their rights and duties (--rights-notified)',
    'the parties may apply for judicial confirmation until {date}: a filing made by then is still '
    'recorded after closing (case judicial --filed)',
    'the period is given twice ({period} and {option} {value}): give one',
    'the period to conclude ended with {date}: an extension must be applied for before the period '
    'ends',
    'the persons counted ({persons}) cannot exceed the persons involved in the case ({involved}): '
    'correct the case first (case amend --persons)',
    "the reporting category's code in the province's numbering the committee loaded; empty if none",
    'the same party is in an open case of another committee; the director can see which in case '
    'show',
    'the search index differs from the cases in {n} places; repair it with `mediation db reindex`',
    'the signature of checkpoint {file} does not match the key (the statement was altered, or '
    'signed with another key)',
    'the token file {path} can be read by others; `chmod 600 {path}` first',
    'the token is not valid (revoked or unknown); sign in again with `mediation login USER`',
    'the value kept out of the log for {name} is not the one its event recorded (its keyed hash '
    "differs): it was changed behind the application's back",
    'this case may have {most} consented extension(s) and has had {had} (local practice; '
    '{setting})',
    'this committee requires sign-in: give the new account a password (prompted, or '
    '--password-stdin)',
    'this committee requires sign-in: run `mediation login {user}` (or use --token-file)',
    'this database already has committees that require sign-in; the district administrator adds '
    'committees with `mediation committee add`',
    'this month, last month, this quarter, last quarter, this year or last year',
    'this session ({when}) was held before session {first} already recorded: it is session {no}, '
    'and the later ones are renumbered: {moves}',
    'two places given ({first} and --out {second}): give one',
    "user name {user!r} is not allowed: 2-32 characters, lower-case letters, digits, '_', '.', "
    "'-', starting with a letter",
    'when found (--found) {value!r} is not a date and time; write e.g. 2026-11-30 09:30',
    'when the outcome was first fed back to the referring body, UTC; empty before',
    'who are you? sign in with `mediation login USER`, or (without required sign-in) set '
    'MEDIATION_USER',
    'write N:{{...}}, e.g. {n}:{{"representative": {{"name": "王建华", "title": "总经理"}}}} or '
    '{n}:{{"phone": "13900001111"}}',
    'yuan as 1500, 1,500, 1500.00, ¥1500, 500元 or 1.5万 (at most two decimals)',
    '{bad} of {total} records rejected; nothing was imported (fix them, or pass --skip-invalid to '
    'import the others)',
    '{bad} problems in {total} lines; nothing was imported (fix them and import the file again)',
    '{field} may not be corrected once the case is {state}; in this state only {allowed} may be',
    '{file} can be read by every user of this computer (mode {mode}); run `chmod o-rwx {file}` '
    '(docs/deploy.md)',
    '{file} has schema revision {rev}, newer than this program knows; upgrade the program first',
    '{file} holds no log head ("log_head": {{"seq": N, "hash": "64 hex"}})',
    '{file} is in use by a terminal; close every terminal first, or pass --force (their unsaved '
    'work is lost)',
    '{file} is not a signed checkpoint: with --key every anchor must be signed (a manifest, or a '
    'checkpoint whose signature was removed, is accepted only without --key)',
    '{file} is not a sound SQLite database ({verdict}); nothing was changed',
    '{number}: now {state} (version {version}, event {event}), recorded by {by}',
    '{n} of them registered before events recorded the whole case file: their state and version '
    'were checked, not their fields.',
    '{option} {date} is after the day this step happened ({day}, --at)',
    '{option} {date} is before the agreement was reached ({reached}): a performance deadline is '
    'on or after that day',
    '{option} {when} is in the future (now {now}); if you meant yesterday, write {option} '
    '"yesterday {time}"',
    '{origin}: a {kind} file, not JSON; case import reads .jsonl, .csv or .xlsx: save it as .xlsx '
    'or CSV (see docs/case-json.md)',
    '{origin}: a {kind} file, not JSON; case new --file takes one case as JSON (see '
    'docs/case-json.md); a ledger of cases goes through case import',
    '{origin}: cannot be read as an .xlsx workbook; save it again from Excel or WPS as .xlsx or '
    'CSV',
    "{origin}: column {column} ({header}) names no field; the columns are the fields' names or "
    "codes, a party's after its role: 申请人姓名, 被申请人2电话 (see docs/case-json.md)",
    '{origin}: no header row; the first row names the columns (see docs/case-json.md)',
    '{origin}: the JSON is nested too deeply (a case record is at most 4 levels deep)',
    '{origin}: the first row names no field; it must be the header, naming the columns (see '
    'docs/case-json.md)',
    '{origin}: {place}: “{first}” and “{second}” are the same field ({field}): give it once',
    '{path} cannot be opened as a database ({why}); name a mediation database file with --db or '
    'MEDIATION_DB',
    '{path} exists and is not a folder: give a folder to write into (a new one is made)',
    "{path} is a file's name, not a folder's: give a folder to write into, such as out/",
    '{path} is a folder, not a database file; name a file with --db or MEDIATION_DB',
    '{path} is a symbolic link; refusing to write through it (remove the link or choose another '
    'name)',
    '{path} is not a SQLite database file; name a mediation database file with --db or '
    'MEDIATION_DB',
    '{path} is not a demo database; --fresh deletes only demo databases',
    "{path} is on a network filesystem ({fstype}); SQLite's locking is not safe there. Use "
    'PostgreSQL for terminals on several machines.',
    "{path} is on a network share; SQLite's locking is not safe there. Use PostgreSQL for "
    'terminals on several machines.',
    '{period} has not begun (today is {today}): the latest allowed is {latest}, to date',
    '{ref!r} is not a case: give its id ({id}), its number ({number}, brackets half- or '
    'full-width: {wide}) or a short form ({short}, {dated}, {seq_only}, {seq_bare})',
    '{ref} is not a case number of this committee; its case numbers look like {number} or {short}',
    '{typed} is part of the names of several who may mediate: {found}; give one of them',
    '{user} ({role}), {committee}; by a token valid until {time}',
    '{user} ({role}), {committee}; sign-in is not enabled: MEDIATION_USER/--user names who acts '
    'and proves nothing',
    '{user} ({role}), {committee}; signed in until {time}',
    '{user} cannot mediate: a {role} is not a mediator; those who may mediate: {able}',
    '{user} cannot mediate: the account is disabled; those who may mediate: {able}',
    "{user} has no one-time code awaiting the committee's half; a director gives a whole code "
    'with `mediation staff reset {user}`',
    '{user} has no password; a director sets one with `mediation staff password {user}`',
    '{user} signs in with a one-time code: choose a password of your own now (at a terminal you '
    'are asked; with --password-stdin give it on the second line)',
    '{value!r} does not look like a name: a phone or ID number has a field of its own',
    "{value!r} does not look like a person's name: a name has letters and is no phone number, ID "
    'number or e-mail address (those have fields of their own)',
    '{value!r} has more than two decimals; amounts are kept to the fen (0.01 yuan) and never '
    'rounded',
    '{value!r} is not an ethnic group (GB/T 3304): give its name (汉族 or 汉, Han) or its code (01 '
    'to 56; 97 other, 98 of foreign origin)',
    "{value!r}: {part} has no {hour} o'clock; write {early} ({am}) or {late} ({pm})",
    '{value} is none of the list above: type its number (1-{last}) or its name',
    '{who} cannot sign in until a member of the committee gives them the second half of their '
    'one-time code: `mediation staff code {user}`.',
    '{zone!r} is not a time zone: give an IANA name such as Asia/Shanghai or Asia/Urumqi',
})
