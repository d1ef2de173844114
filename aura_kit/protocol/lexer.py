"""Tokens of the ``.choreo`` text and of the local type notation.

Invariants:
- every token carries its 1-based line and column;
- ``//`` comments run to the end of the line and produce no token;
- newlines are tokens (they end statements); other whitespace is skipped;
- one leading byte order mark (U+FEFF) is skipped; any other unknown character is a
  ``ProtocolSyntaxError`` at its place;
- a near miss of a keyword (``loop`` for ``rec``, ``chioce`` for ``choice``, ``else`` for
  ``or``) is named in the error with the keyword it most likely meant.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum

from aura_kit.protocol.errors import ProtocolSyntaxError

KEYWORDS = frozenset({"protocol", "choice", "at", "or", "rec", "continue", "end"})
MAX_NESTING = 64  # nested ``{`` blocks in ``.choreo`` text (see ``limits``)
MAX_DEPTH = 4096  # nested type constructors along one path; every public operation walks a
# run of messages in a loop and recurses only at choices and ``rec`` (bounded by
# ``MAX_NESTING``), so it works at this depth under the default recursion limit
# (tests/protocol/test_depth_limit.py)


class Kind(Enum):
    """Kinds of token."""

    NAME = "name"
    ARROW = "'->'"
    COLON = "':'"
    LPAREN = "'('"
    RPAREN = "')'"
    LBRACE = "'{'"
    RBRACE = "'}'"
    COMMA = "','"
    SEMI = "';'"
    BANG = "'!'"
    QUERY = "'?'"
    DOT = "'.'"
    NEWLINE = "newline"
    EOF = "end of input"


@dataclass(frozen=True, slots=True)
class Token:
    """One token and where it starts."""

    kind: Kind
    text: str
    line: int
    column: int

    def shown(self) -> str:
        """The token as an error message shows it."""
        if self.kind in (Kind.NEWLINE, Kind.EOF):
            return self.kind.value
        return repr(self.text)


_PUNCT = {
    "->": Kind.ARROW,
    ":": Kind.COLON,
    "(": Kind.LPAREN,
    ")": Kind.RPAREN,
    "{": Kind.LBRACE,
    "}": Kind.RBRACE,
    ",": Kind.COMMA,
    ";": Kind.SEMI,
    "!": Kind.BANG,
    "?": Kind.QUERY,
    ".": Kind.DOT,
}
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATTERN = re.compile(
    r"(?P<space>[ \t\r]+)|(?P<comment>//[^\n]*)|(?P<newline>\n)"
    rf"|(?P<name>{_NAME})|(?P<punct>->|[:(){{}},;!?.])"
)
_WHOLE_NAME = re.compile(_NAME + r"\Z")


# Words from other languages that mean one of ours: a statement that starts with one of them
# (and is not a message) gets a suggestion.
_SYNONYM_WORDS = {
    "rec": "loop while repeat for mu",
    "choice": "choose select if switch case branch",
    "continue": "goto jump again",
    "end": "exit stop return done",
    "or": "else elif orelse",
}
_SYNONYMS = {word: ours for ours, words in _SYNONYM_WORDS.items() for word in words.split()}


def near_keyword(word: str, options: tuple[str, ...]) -> str | None:
    """The keyword of ``options`` that ``word`` most likely meant (a synonym or a typo)."""
    meant = _SYNONYMS.get(word.lower())
    if meant in options:
        return meant
    close = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.75)
    return close[0] if close and close[0] != word else None


def is_identifier(text: str) -> bool:
    """Whether ``text`` is an identifier (keywords included): what a label may be."""
    return bool(_WHOLE_NAME.match(text))


def is_name(text: str) -> bool:
    """Whether ``text`` is an identifier that is not a keyword: a role or recursion name."""
    return is_identifier(text) and text not in KEYWORDS


def tokenize(text: str, source: str = "<string>") -> list[Token]:
    """Split ``text`` into tokens, ending with one ``EOF`` token."""
    tokens: list[Token] = []
    start = 1 if text.startswith("\ufeff") else 0  # a leading byte order mark is not text
    line, line_start, pos = 1, start, start
    while pos < len(text):
        match = _PATTERN.match(text, pos)
        column = pos - line_start + 1
        if match is None:
            raise ProtocolSyntaxError(
                f"unexpected character {text[pos]!r}",
                source=source,
                line=line,
                column=column,
                text=text[pos],
                expected="a name, '->', ':', '(', ')', '{', '}', ',' or ';'",
            )
        kind = match.lastgroup
        word = match.group()
        if kind == "newline":
            tokens.append(Token(Kind.NEWLINE, word, line, column))
            line, line_start = line + 1, match.end()
        elif kind == "name":
            tokens.append(Token(Kind.NAME, word, line, column))
        elif kind == "punct":
            tokens.append(Token(_PUNCT[word], word, line, column))
        pos = match.end()
    tokens.append(Token(Kind.EOF, "", line, pos - line_start + 1))
    return tokens


class TokenStream:
    """A cursor over tokens with expectation helpers that raise syntax errors."""

    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.source = source
        self.depth = 0

    def enter(self, limit: int, what: str) -> None:
        """Go one level deeper; refuse at the current token beyond ``limit`` levels."""
        self.depth += 1
        if self.depth > limit:
            raise ProtocolSyntaxError.at(
                self.peek(),
                f"{what} nest too deeply: more than {limit} levels",
                source=self.source,
                expected=f"at most {limit} nested {what}",
            )

    def leave(self) -> None:
        """Come back up one level."""
        self.depth -= 1

    def peek(self) -> Token:
        """The current token."""
        return self.tokens[self.pos]

    def next(self) -> Token:
        """Consume and return the current token."""
        token = self.tokens[self.pos]
        if token.kind is not Kind.EOF:
            self.pos += 1
        return token

    def ahead(self, kind: Kind) -> bool:
        """Whether the token after the current one has ``kind``."""
        return self.tokens[min(self.pos + 1, len(self.tokens) - 1)].kind is kind

    def at(self, kind: Kind, text: str | None = None) -> bool:
        """Whether the current token has ``kind`` (and ``text``)."""
        token = self.peek()
        return token.kind is kind and (text is None or token.text == text)

    def skip_newlines(self) -> None:
        """Skip newline tokens (where a statement cannot end)."""
        while self.at(Kind.NEWLINE):
            self.next()

    def fail(
        self, expected: str, token: Token | None = None, hint: str = ""
    ) -> ProtocolSyntaxError:
        """A syntax error at ``token`` (default: the current one), with an optional ``hint``."""
        token = token or self.peek()
        return ProtocolSyntaxError.at(
            token,
            f"expected {expected}, found {token.shown()}{hint}",
            source=self.source,
            expected=expected,
        )

    def expect(self, kind: Kind, what: str | None = None) -> Token:
        """Consume a token of ``kind`` or raise."""
        if not self.at(kind):
            raise self.fail(what or kind.value)
        return self.next()

    def keyword(self, word: str) -> Token:
        """Consume the keyword ``word`` or raise (suggesting it for a near miss)."""
        if not self.at(Kind.NAME, word):
            raise self.fail(repr(word), hint=self.near(word))
        return self.next()

    def near(self, *words: str) -> str:
        """``: did you mean 'word'?`` when the current name is a near miss of one of ``words``."""
        token = self.peek()
        meant = near_keyword(token.text, words) if token.kind is Kind.NAME else None
        return f": did you mean {meant!r}?" if meant else ""

    def name(self, what: str) -> Token:
        """Consume an identifier that is not a keyword, or raise."""
        token = self.peek()
        if token.kind is not Kind.NAME or token.text in KEYWORDS:
            raise self.fail(what)
        return self.next()

    def label(self) -> Token:
        """Consume a message label: any identifier, keywords included, or raise."""
        if not self.at(Kind.NAME):
            raise self.fail("a message label")
        return self.next()
