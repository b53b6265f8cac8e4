"""Chat templates against transformers: the same rendered text, ids, masks, tensors and exceptions.

The templates are written for these tests in the shapes real models use (ChatML, Llama-3 headers, Mistral's
[INST] with role alternation checks, tool calls, documents, `{% generation %}` blocks)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import ferrotok
import jinja2
import numpy as np
import pytest
import transformers
from parity import plain

FIXTURES = Path(__file__).parent / "fixtures"

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + "
    "'\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
LLAMA3 = """{{- bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "You are helpful. Year: " + strftime_now("%Y") %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" + system_message + "<|eot_id|>" }}
{%- for message in messages %}
    {%- if message.role not in ['user', 'assistant', 'tool'] %}
        {{- raise_exception("Unknown role: " + message.role) }}
    {%- endif %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""
MISTRAL = """{{ bos_token }}{% for message in messages %}
{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
{% endif %}
{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}
{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}
{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}
{% endfor %}"""
TOOLS = """{% set ns = namespace(count=0) %}
{% if tools %}<|im_start|>system
Tools:
{% for tool in tools %}{{ tool | tojson }}
{% endfor %}<|im_end|>
{% endif %}
{% if documents %}{% for doc in documents %}[doc {{ loop.index }}] {{ doc.title }}: {{ doc.text }}
{% endfor %}{% endif %}
{% for message in messages %}
{% if message.role == 'system' %}{% continue %}{% endif %}
{% set ns.count = ns.count + 1 %}
<|im_start|>{{ message.role }}
{% if message.tool_calls is defined %}{% for call in message.tool_calls %}<tool_call>{{ call.function | tojson }}</tool_call>
{% endfor %}{% else %}{{ message.content }}{% endif %}<|im_end|>
{% if ns.count > 20 %}{% break %}{% endif %}
{% endfor %}
{% if add_generation_prompt %}<|im_start|>assistant
{% endif %}"""
GENERATION = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' }}"
    "{% if message['role'] == 'assistant' %}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{% else %}{{ message['content'] + '<|im_end|>' }}{% endif %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

CHAT = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Hello, who are you? naïve café 東京"},
    {"role": "assistant", "content": "An assistant. 🙂"},
    {"role": "user", "content": "What's 2+2?"},
]
ALTERNATING = [m for m in CHAT if m["role"] != "system"]
TOOL_CHAT = [
    {"role": "user", "content": "Weather in Paris?"},
    {
        "role": "assistant",
        "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}
        ],
    },
    {"role": "tool", "content": "22 °C", "name": "get_weather"},
]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather <b>of</b> a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def _folder(root: Path, chat_template: object = CHATML) -> Path:
    folder = root / "chatml"
    folder.mkdir(exist_ok=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copy(FIXTURES / "gpt2" / name, folder / name)
    config = json.loads((FIXTURES / "gpt2" / "tokenizer_config.json").read_text())
    config.update(
        pad_token="<|endoftext|>",
        extra_special_tokens=["<|im_start|>", "<|im_end|>"],
        chat_template=chat_template,
    )
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = _folder(tmp_path_factory.mktemp("chat"))
    return ferrotok.AutoTokenizer.from_pretrained(folder), transformers.AutoTokenizer.from_pretrained(folder)


def both(pair, *args, **kwargs):
    ours, theirs = pair
    return ours.apply_chat_template(*args, **kwargs), theirs.apply_chat_template(*args, **kwargs)


def assert_same(a, b):
    if hasattr(b, "keys"):
        assert list(a.keys()) == list(b.keys())
        for key in b:
            assert type(a[key]).__name__ == type(b[key]).__name__, key
            assert plain(a[key]) == plain(b[key]), key
    else:
        assert plain(a) == plain(b)


@pytest.mark.parametrize(
    "template",
    [CHATML, LLAMA3, MISTRAL, TOOLS, GENERATION],
    ids=["chatml", "llama3", "mistral", "tools", "generation"],
)
@pytest.mark.parametrize("add_generation_prompt", [False, True])
def test_rendered_text_and_ids(pair, template, add_generation_prompt):
    chat = ALTERNATING if template is MISTRAL else CHAT
    kwargs = {"chat_template": template, "add_generation_prompt": add_generation_prompt}
    text, expected_text = both(pair, chat, tokenize=False, **kwargs)
    assert text == expected_text
    assert_same(*both(pair, chat, return_dict=False, **kwargs))
    assert_same(*both(pair, chat, **kwargs))  # transformers 5 returns a BatchEncoding by default


def test_tools_documents_and_extra_variables(pair):
    documents = [{"title": "Paris", "text": "Capital of France."}, {"title": "Lyon", "text": "Food."}]
    for kwargs in (
        {"tools": [WEATHER_TOOL]},
        {"tools": [WEATHER_TOOL], "documents": documents},
        {"documents": documents, "add_generation_prompt": True},
    ):
        text, expected = both(pair, TOOL_CHAT, chat_template=TOOLS, tokenize=False, **kwargs)
        assert text == expected
        assert ("<b>of</b>" in text) == ("tools" in kwargs)  # tojson does not escape HTML
    # Extra keyword arguments are template variables; special tokens are variables too.
    template = "{{ bos_token }}{{ greeting }}{% for m in messages %}{{ m.content }}{% endfor %}"
    text, expected = both(pair, CHAT, chat_template=template, tokenize=False, greeting="hi ")
    assert text == expected == "<|endoftext|>hi " + "".join(m["content"] for m in CHAT)


def test_tools_as_python_functions(pair):
    def get_weather(city: str) -> str:
        """Current weather of a city.

        Args:
            city: The city's name.
        """
        return city

    text, expected = both(pair, TOOL_CHAT, chat_template=TOOLS, tokenize=False, tools=[get_weather])
    assert text == expected


def test_batches_with_padding_truncation_and_tensors(pair):
    ours, theirs = pair
    batch = [CHAT, CHAT[:2], ALTERNATING[:1]]
    for kwargs in (
        {"padding": True},
        {"padding": True, "return_tensors": "np"},
        {"padding": "max_length", "max_length": 64, "truncation": True, "return_tensors": "pt"},
        {"truncation": True, "max_length": 10},
        {"tokenize": False},
        {"return_dict": False, "padding": True},
    ):
        assert_same(*both(pair, batch, chat_template=CHATML, **kwargs))
    ours.padding_side = theirs.padding_side = "left"
    try:
        assert_same(*both(pair, batch, chat_template=CHATML, padding=True, return_tensors="np"))
    finally:
        ours.padding_side = theirs.padding_side = "right"


@pytest.mark.parametrize("kwargs", [{}, {"return_tensors": "np"}, {"truncation": True, "max_length": 20}])
def test_assistant_tokens_mask(pair, kwargs):
    for chat in (CHAT, [CHAT, CHAT[:3]]):
        extra = {"padding": True} if chat is not CHAT else {}
        ours, theirs = both(
            pair, chat, chat_template=GENERATION, return_assistant_tokens_mask=True, **kwargs, **extra
        )
        assert_same(ours, theirs)
        if "truncation" not in kwargs:  # (truncated to 20 tokens, no assistant text is left)
            assert 1 in np.asarray(plain(theirs["assistant_masks"])).ravel()


def test_continue_final_message(pair):
    chat = [*CHAT[:2], {"role": "assistant", "content": "The answer is"}]
    for template in (CHATML, LLAMA3, GENERATION):
        text, expected = both(pair, chat, chat_template=template, continue_final_message=True, tokenize=False)
        assert text == expected and text.endswith("The answer is")
    assert_same(*both(pair, chat, chat_template=CHATML, continue_final_message=True))


def test_named_templates_and_tool_use(tmp_path):
    folder = _folder(
        tmp_path, [{"name": "default", "template": CHATML}, {"name": "tool_use", "template": TOOLS}]
    )
    ours, theirs = (
        ferrotok.AutoTokenizer.from_pretrained(folder),
        transformers.AutoTokenizer.from_pretrained(folder),
    )
    assert ours.chat_template == theirs.chat_template
    for kwargs in ({}, {"tools": [WEATHER_TOOL]}, {"chat_template": "tool_use"}):
        assert ours.get_chat_template(
            kwargs.get("chat_template"), kwargs.get("tools")
        ) == theirs.get_chat_template(kwargs.get("chat_template"), kwargs.get("tools"))
        chat = (
            CHAT if not kwargs else TOOL_CHAT
        )  # the default (ChatML) template needs every message's content
        text = ours.apply_chat_template(chat, tokenize=False, **kwargs)
        assert text == theirs.apply_chat_template(chat, tokenize=False, **kwargs)


def _error(call):
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("expected an exception")


@pytest.mark.parametrize(
    ("template", "chat", "expected_class"),
    [
        (MISTRAL, CHAT, jinja2.exceptions.TemplateError),  # system role: the template raises
        (LLAMA3, [{"role": "robot", "content": "beep"}], jinja2.exceptions.TemplateError),  # unknown role
        ("{% for m in messages %}{{ m.content }", CHAT, jinja2.exceptions.TemplateSyntaxError),
        ("{% if %}", CHAT, jinja2.exceptions.TemplateSyntaxError),
        ("{{ messages.__class__.__mro__ }}", CHAT, jinja2.exceptions.SecurityError),
        ("{% set ns = namespace(_x=1) %}", CHAT, jinja2.exceptions.SecurityError),
        ("{{ messages[0].content + 1 }}", CHAT, TypeError),
    ],
)
def test_template_errors_have_transformers_classes_and_name_the_template(
    pair, template, chat, expected_class
):
    ours, theirs = pair
    theirs_exc = _error(lambda: theirs.apply_chat_template(chat, chat_template=template))
    ours_exc = _error(lambda: ours.apply_chat_template(chat, chat_template=template))
    assert type(ours_exc) is type(theirs_exc)
    assert isinstance(ours_exc, expected_class)
    if isinstance(ours_exc, jinja2.exceptions.TemplateError):
        assert "chat_template argument" in str(ours_exc)


def test_bad_calls_raise_like_transformers(pair, tmp_path):
    ours, theirs = pair
    calls = [
        lambda t: t.apply_chat_template([], chat_template=CHATML),
        lambda t: t.apply_chat_template(
            CHAT, chat_template=CHATML, tokenize=False, return_assistant_tokens_mask=True
        ),
        lambda t: t.apply_chat_template(
            CHAT, chat_template=CHATML, continue_final_message=True, add_generation_prompt=True
        ),
        lambda t: t.apply_chat_template(["not a dict"], chat_template=CHATML),
        lambda t: t.apply_chat_template(CHAT, chat_template=CHATML, tools=["not a tool"]),
        lambda t: t.apply_chat_template(CHAT, chat_template=TOOLS, documents=["not a dict"]),
        lambda t: t.apply_chat_template(
            [*CHAT[:1], {"role": "user"}], chat_template=CHATML, continue_final_message=True
        ),
    ]
    for call in calls:
        assert type(_error(lambda c=call: c(ours))) is type(_error(lambda c=call: c(theirs)))
    # No template at all.
    folder = _folder(tmp_path, None)
    bare_ours = ferrotok.AutoTokenizer.from_pretrained(folder)
    bare_theirs = transformers.AutoTokenizer.from_pretrained(folder)
    assert bare_ours.chat_template is None and bare_theirs.chat_template is None
    assert type(_error(lambda: bare_ours.apply_chat_template(CHAT))) is ValueError
    assert type(_error(lambda: bare_theirs.apply_chat_template(CHAT))) is ValueError


def test_message_objects_and_none_values(pair):
    import dataclasses

    @dataclasses.dataclass
    class Message:
        role: str
        content: str | None
        name: str | None = None

    chat = [Message("user", "hi"), Message("assistant", "hello", None)]
    template = "{% for m in messages %}{{ m.role }}:{{ m.content }}:{{ m.name is defined }}|{% endfor %}"
    assert_same(*both(pair, chat, chat_template=template, tokenize=False))


def test_encode_message_with_chat_template(pair):
    ours, theirs = pair
    for history in (None, CHAT[:2]):
        kwargs = {"chat_template": CHATML}
        assert ours.encode_message_with_chat_template(CHAT[2], history, **kwargs) == (
            theirs.encode_message_with_chat_template(CHAT[2], history, **kwargs)
        )


@pytest.mark.parametrize("save_jinja_files", [True, False])
@pytest.mark.parametrize(
    "template", [CHATML, {"default": CHATML, "tool_use": TOOLS}], ids=["single", "named"]
)
def test_save_and_load_round_trip_with_transformers(tmp_path, template, save_jinja_files):
    ours = ferrotok.AutoTokenizer.from_pretrained(_folder(tmp_path, None))
    theirs = transformers.AutoTokenizer.from_pretrained(_folder(tmp_path, None))
    ours.chat_template = theirs.chat_template = template
    ours.save_pretrained(tmp_path / "ours", save_jinja_files=save_jinja_files)
    theirs.save_pretrained(tmp_path / "theirs", save_jinja_files=save_jinja_files)
    for folder in ("ours", "theirs"):
        names = sorted(
            p.relative_to(tmp_path / folder).as_posix() for p in (tmp_path / folder).rglob("*.jinja")
        )
        expected = sorted(
            p.relative_to(tmp_path / "theirs").as_posix() for p in (tmp_path / "theirs").rglob("*.jinja")
        )
        assert names == expected
        config = json.loads((tmp_path / folder / "tokenizer_config.json").read_text())
        reference = json.loads((tmp_path / "theirs" / "tokenizer_config.json").read_text())
        assert config.get("chat_template") == reference.get("chat_template")
        # Each library reads the other's folder back to the same template.
        assert ferrotok.AutoTokenizer.from_pretrained(tmp_path / folder).chat_template == template
        assert transformers.AutoTokenizer.from_pretrained(tmp_path / folder).chat_template == template


def test_chat_template_jinja_file_wins_over_config(tmp_path):
    folder = _folder(tmp_path, LLAMA3)
    (folder / "chat_template.jinja").write_text(CHATML)
    ours, theirs = (
        ferrotok.AutoTokenizer.from_pretrained(folder),
        transformers.AutoTokenizer.from_pretrained(folder),
    )
    assert ours.chat_template == theirs.chat_template == CHATML
    # The attribute is settable and the pickled tokenizer keeps it.
    import pickle

    ours.chat_template = MISTRAL
    assert pickle.loads(pickle.dumps(ours)).chat_template == MISTRAL


def test_sandbox_globals():
    from ferrotok.chat import compile_template

    rendered = compile_template(
        "{{ strftime_now('%Y') | length }} {{ dict(a=1) | tojson }} {{ {'k': '<é>'} | tojson(indent=1) }}"
    ).render()
    assert rendered == '4 {"a": 1} {\n "k": "<é>"\n}'
