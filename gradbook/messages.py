"""The words the ``gradbook`` command writes, in English or Simplified Chinese.

Every message the command itself writes (the one-line errors of :mod:`gradbook.cli`,
:mod:`gradbook.jobs` and :mod:`gradbook.expr`, and every line it prints: results, "written
to ...", training progress, the demo's summary and hints) is written as
``say("English template {field}", field=value)``. The English template is the key: in English
it is formatted as it is, in Chinese :data:`ZH` gives the Chinese template, which has exactly
the same ``{fields}`` (and format specs), so both languages show the same values and numbers.
Values (paths, numbers, expressions, option names such as ``--hidden``, data set, loss and
optimizer names) are never translated.

The language is held in a :class:`contextvars.ContextVar`, set by :func:`gradbook.cli.main`
for one invocation (``--lang``, by default :func:`autograd.default_language`, i.e. from the
locale) and ``"en"`` otherwise, so the library (``gradbook.expr`` used from Python, the engine
used from several threads) always speaks English unless asked, and two invocations in two
threads never see each other's language.

What stays English, on purpose:

* text that comes from the libraries and is passed through as it is (``str(e)`` of an
  autograd, nn or viz exception, such as ``clip needs lo <= hi`` or a non-finite loss; the
  operating system's ``strerror``); the Chinese sentence around it is translated;
* argparse's ``--help`` texts, and the argparse messages gradbook.cli does not know (the common ones
  -- invalid choice, invalid value, missing or unknown arguments -- are translated by
  :func:`gradbook.cli._ArgumentParser.error`);
* the ``gradbook <command>:`` prefix of an error line, which scripts may match;
* what the viz and nn functions write by themselves, having no ``lang`` option: the pages of
  ``gradbook explore`` and the demo's ``neuron.html`` (whose title, written here, is
  translated), the axis labels of the plots (their titles are translated), and the progress
  bar of ``gradbook train``. gradcheck's table and the graph legends do take ``lang``, and get
  it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from autograd import LANGUAGES, check_language, default_language

__all__ = ["LANGUAGES", "ZH", "default_language", "language", "say", "set_language", "speaking"]

_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("gradbook_language",
                                                                default="en")


def language() -> str:
    """The language messages are written in now: ``"en"`` or ``"zh"``."""
    return _LANGUAGE.get()


def set_language(lang: str) -> contextvars.Token[str]:
    """Write messages in ``lang`` (``"en"`` or ``"zh"``) in the current context; returns the
    token that :meth:`contextvars.ContextVar.reset` takes to undo it."""
    return _LANGUAGE.set(check_language(lang))


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[str]:
    """``with speaking("zh"): ...`` writes messages in ``lang`` inside the block."""
    token = set_language(lang)
    try:
        yield lang
    finally:
        _LANGUAGE.reset(token)


def say(template: str, /, **fields: object) -> str:
    """``template`` (English) formatted with ``fields``, in the current language: in Chinese
    its :data:`ZH` entry (the English one when there is none)."""
    if _LANGUAGE.get() == "zh":
        template = ZH.get(template, template)
    return template.format(**fields)


#: English template -> Chinese template with the same ``{fields}``.
ZH: dict[str, str] = {
    # -- gradbook.cli: results ------------------------------------------------------------
    "final training accuracy {accuracy:.0%}, loss {loss:.4f}":
        "最终训练准确率 {accuracy:.0%}，损失 {loss:.4f}",
    "written to {path}:": "输出已写入 {path}：",
    "written to {path}: {files}": "输出已写入 {path}：{files}",
    "next: open neuron.html in a browser to step through backpropagation, look at neuron.svg "
    "and decision_boundary.png, then the course: {course} (make notebooks)":
        "下一步：在浏览器中打开 neuron.html，一步一步地看反向传播；再看看 neuron.svg 和 "
        "decision_boundary.png；然后开始学习课程：{course}（make notebooks）",
    "graph written to {path}": "计算图已写入 {path}",
    "page written to {path} ({steps} steps): open it in a browser":
        "网页已写入 {path}（共 {steps} 步）：请在浏览器中打开",
    # -- gradbook.cli: errors -------------------------------------------------------------
    "interrupted": "已中断",
    "terminated": "已终止",
    "internal error: {kind}: {message} (GRADBOOK_DEBUG=1 shows more)":
        "内部错误：{kind}：{message}（设置 GRADBOOK_DEBUG=1 可查看详情）",
    "Graphviz's dot program is not on PATH; install it (Debian/Ubuntu: sudo apt-get install "
    "graphviz, Fedora: sudo dnf install graphviz, macOS: brew install graphviz, conda: conda "
    "install -c conda-forge graphviz, Windows: winget install graphviz), check with dot -V":
        "找不到 Graphviz 的 dot 程序（它不在 PATH 中）；请先安装（Debian/Ubuntu：sudo apt-get "
        "install graphviz，Fedora：sudo dnf install graphviz，macOS：brew install graphviz，"
        "conda：conda install -c conda-forge graphviz，Windows：winget install graphviz），"
        "再用 dot -V 检查",
    "--hidden takes sizes like 16,16, got {value!r}":
        "--hidden 的取值应形如 16,16，但收到的是 {value!r}",
    "--hidden sizes must be positive, got {value!r}":
        "--hidden 的各层大小必须是正数，但收到的是 {value!r}",
    "{error}; nothing was written": "{error}；没有写入任何文件",
    "-o names a folder, not a file: {path}": "-o 指定的是文件夹，不是文件：{path}",
    "cannot write {path}: {folder} is not a folder": "无法写入 {path}：{folder} 不是文件夹",
    "cannot write {path}: permission denied": "无法写入 {path}：没有写入权限",
    "cannot write {path}: {reason}": "无法写入 {path}：{reason}",
    "cannot write {path!r}: {reason}": "无法写入 {path!r}：{reason}",
    "unknown output format {format!r}; use svg, png or pdf":
        "未知的输出格式 {format!r}；请使用 svg、png 或 pdf",
    "give at least one variable, e.g. x=1.3": "请至少给出一个变量，例如 x=1.3",
    "{expression!r} does not depend on {names}: there is no gradient to check":
        "表达式 {expression!r} 不依赖于 {names}：没有梯度可以检验",
    # -- gradbook.cli: option values ------------------------------------------------------
    "expected a number, got {text!r}": "需要一个数字，但收到的是 {text!r}",
    "expected an integer, got {text!r}": "需要一个整数，但收到的是 {text!r}",
    "must be a finite number > {low:g}, got {text}":
        "必须是大于 {low:g} 的有限数，但收到的是 {text}",
    "must be a finite number >= {low:g}, got {text}":
        "必须是大于或等于 {low:g} 的有限数，但收到的是 {text}",
    "must be a finite number > {low:g} and < {high:g}, got {text}":
        "必须是大于 {low:g} 且小于 {high:g} 的有限数，但收到的是 {text}",
    "must be a finite number >= {low:g} and < {high:g}, got {text}":
        "必须是大于或等于 {low:g} 且小于 {high:g} 的有限数，但收到的是 {text}",
    "must be an integer >= {low}, got {text}": "必须是大于或等于 {low} 的整数，但收到的是 {text}",
    "must be an integer from {low} to {high:,}, got {text}":
        "必须是 {low} 到 {high:,} 之间的整数，但收到的是 {text}",
    # -- argparse's own messages ----------------------------------------------------------
    "{message} (see {prog} --help)": "{message}（参见 {prog} --help）",
    "argument {name}: {problem}": "参数 {name}：{problem}",
    "invalid choice: {value} (choose from {choices})": "无效的取值 {value}（可选：{choices}）",
    "invalid {type} value: {value}": "无效的 {type} 值：{value}",
    "expected one argument": "后面需要跟一个值",
    "expected at most one argument": "后面最多只能跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "ignored explicit argument {value}": "这个选项不接受值，却给了 {value}",
    "the following arguments are required: {names}": "缺少必需的参数：{names}",
    "ambiguous option: {option} could match {matches}": "选项 {option} 有歧义，可能是 {matches}",
    "unrecognized arguments: {arguments}": "无法识别的参数：{arguments}",
    # -- gradbook.expr --------------------------------------------------------------------
    "{why}: '{part}' at column {column} of {text}": "{why}：位于 {text} 第 {column} 列的 '{part}'",
    "{why}: the end of {text}": "{why}：位于 {text} 的末尾",
    "{what} is not allowed": "不允许使用{what}",
    "the character {char!r}": "字符 {char!r}",
    "the keyword {word!r}": "关键字 {word!r}",
    "a string": "字符串",
    "indexing or a list": "下标或列表",
    "a dict or a set": "字典或集合",
    "an assignment": "赋值",
    "a comparison": "比较运算",
    "operator ^ (use ** for powers)": "运算符 ^（乘方请用 **）",
    "operator {operator}": "运算符 {operator}",
    "attribute access": "属性访问",
    "a slice or a lambda": "切片或 lambda 表达式",
    "a second statement": "第二条语句",
    "a conditional": "条件表达式",
    "a lambda": "匿名函数（lambda）",
    "and/or/not": "逻辑运算（and/or/not）",
    "a comprehension": "推导式",
    "await": "异步等待（await）",
    "yield": "生成器（yield）",
    "a tuple is not allowed": "不允许使用元组",
    "only the engine's functions can be called, by name": "只能按名字调用引擎提供的函数",
    "expected {wanted}, found '{found}'": "这里应为{wanted}，却出现了 '{found}'",
    "')' or an operator": "右括号 ')' 或运算符",
    "a number, a name or '('": "数字、名字或 '('",
    "an operator (+ - * / **)": "运算符（+ - * / **）",
    "the expression ends too early: expected a number, a name or '('":
        "表达式提前结束了：这里应为数字、名字或 '('",
    "the expression is empty": "表达式是空的",
    "an expression must be text, got {value!r}": "表达式必须是文本，但收到的是 {value!r}",
    "the expression is {length} characters long (at most {most})":
        "表达式有 {length} 个字符，太长了（最多 {most} 个）",
    "the expression is nested too deeply (more than {most} levels of parentheses and calls)":
        "表达式嵌套太深（括号和函数调用超过了 {most} 层）",
    "'{bracket}' is never closed": "'{bracket}' 没有闭合",
    "unmatched ')'": "多余的 ')'（没有与它配对的 '('）",
    "empty parentheses are not allowed": "不允许使用空括号",
    "keyword arguments are not allowed": "不允许使用关键字参数",
    "a number runs into a name (write 2*x, not 2x)": "数字后面紧跟着名字（要写 2*x，不能写 2x）",
    "malformed number (decimal numbers only, such as 3, 0.5 or 1e-3)":
        "数字的写法不对（只能用十进制数，例如 3、0.5 或 1e-3）",
    "the number is too large for a float (at most about 1.8e308)":
        "这个数字太大，超出了浮点数的范围（最大约 1.8e308）",
    "{name} is a function: call it, e.g. {name}(x)": "{name} 是函数：请调用它，例如 {name}(x)",
    "name {name!r} is not allowed": "不允许使用名字 {name!r}",
    "unknown name {name!r} (give it a value: {name}=1.0)":
        "未知的变量名 {name!r}（请给它一个值：{name}=1.0）",
    "unknown function {name!r} (known: {known})": "未知的函数 {name!r}（可用的函数：{known}）",
    "unknown function {name!r}": "未知的函数 {name!r}",
    "{fewest} to {most}": "{fewest} 到 {most}",
    "{name} takes {want} argument(s), got {count}": "{name} 需要 {want} 个参数，但给了 {count} 个",
    "cannot evaluate {kind}": "无法计算 {kind}",
    "cannot evaluate the expression: {error}": "无法计算表达式：{error}",
    "expected NAME=NUMBER, got {item!r}": "应写成 NAME=NUMBER（变量名=数值），但收到的是 {item!r}",
    "{name!r} is a Python keyword; pick another name": "{name!r} 是 Python 的关键字，请换一个名字",
    "{name!r} is a function or constant name; pick another name":
        "{name!r} 是函数名或常量名，请换一个名字",
    "the value of {name} must be a number, got {value!r}":
        "变量 {name} 的值必须是数字，但收到的是 {value!r}",
    "the value of {name}, {value}, is too large for a float (at most about 1.8e308; write inf "
    "for infinity)":
        "变量 {name} 的值 {value} 太大，超出了浮点数的范围（最大约 1.8e308；无穷大请写 inf）",
    "{name} is given twice": "变量 {name} 被赋值了两次",
    # -- gradbook.jobs: data --------------------------------------------------------------
    "unknown task {task!r}; use one of {choices}": "未知的任务 {task!r}；请使用 {choices} 之一",
    "unknown data set {spec!r}; use one of {toys}, digits, idx:DIR (Fashion-MNIST IDX files) "
    "or csv:PATH":
        "未知的数据集 {spec!r}；请使用 {toys}、digits、idx:DIR（Fashion-MNIST 的 IDX 文件）"
        "或 csv:PATH 之一",
    "the labels in {folder}": "{folder} 中的标签",
    "the targets of {name}": "{name} 的目标值",
    "the targets": "目标值",
    "the test labels in {folder} include {label}, which no training image has":
        "{folder} 中的测试标签含有 {label}，但没有哪张训练图像是这个标签",
    "--task classify needs integer class labels, but {what} include {bad!r}":
        "--task classify 需要整数的类别标签：{what}中含有 {bad!r}",
    "{what} have {count:,} distinct values; a classifier takes at most {most:,} classes (use "
    "--task regress)":
        "{what}有 {count:,} 个不同的值；分类器最多只能有 {most:,} 个类别（请使用 --task regress）",
    "{what} hold a single class ({label!r}); a classifier needs two or more":
        "{what}只有一个类别（{label!r}）；分类器至少需要两个类别",
    "no CSV file at {path}": "{path} 处没有 CSV 文件",
    "{path} is not UTF-8 text (byte 0x{byte:02x} at offset {offset}); save it as UTF-8":
        "{path} 不是 UTF-8 文本（偏移 {offset} 处的字节是 0x{byte:02x}）；请把它另存为 UTF-8",
    "{path}, line {line}: {error}": "{path}，第 {line} 行：{error}",
    "{path} is empty": "{path} 是空的",
    "{path} has a header but no data rows": "{path} 只有表头，没有数据行",
    "{path} needs at least two columns (features, then the target)":
        "{path} 至少需要两列（先是特征，最后一列是目标值）",
    "{path}: data row {row} has {cells} cells but the first row has {width}":
        "{path}：第 {row} 个数据行有 {cells} 个单元格，但第一行有 {width} 个",
    "{path}: data row {row} has a non-numeric cell {cell!r}":
        "{path}：第 {row} 个数据行有一个不是数字的单元格 {cell!r}",
    "{path} contains nan or inf values": "{path} 中含有 nan 或 inf 值",
    # -- gradbook.jobs: model, loss, optimizer, settings ----------------------------------
    "unknown engine {engine!r}; use value, tensor or auto":
        "未知的引擎 {engine!r}；请使用 value、tensor 或 auto",
    "unknown loss {loss!r}; use one of {choices}": "未知的损失函数 {loss!r}；请使用 {choices} 之一",
    "cross_entropy needs class labels, but the targets are real numbers":
        "cross_entropy 需要类别标签，但目标值是实数",
    "the {loss} loss needs two classes, but the targets are real numbers":
        "{loss} 损失函数需要两个类别，但目标值是实数",
    "the {loss} loss needs two classes, the data has {classes}":
        "{loss} 损失函数需要两个类别，而数据有 {classes} 个类别",
    "the MLP {shape} has {params:,} parameters, too many for the scalar engine (at most "
    "{most:,}); use --engine tensor":
        "MLP {shape} 有 {params:,} 个参数，对标量引擎来说太多了（最多 {most:,} 个）；"
        "请使用 --engine tensor",
    "the MLP {shape} has {params:,} parameters and needs about {need:,.1f} GiB to train, more "
    "than half of the {available:,.1f} GiB available; use smaller --hidden sizes":
        "MLP {shape} 有 {params:,} 个参数，训练大约需要 {need:,.1f} GiB 内存，超过了可用内存 "
        "{available:,.1f} GiB 的一半；请把 --hidden 的各层大小调小",
    "--dropout needs the tensor engine (--engine tensor)":
        "--dropout 需要张量引擎（--engine tensor）",
    "unknown optimizer {name!r}; use one of {choices}":
        "未知的优化器 {name!r}；请使用 {choices} 之一",
    "--lr must be positive, got {lr}": "--lr（学习率）必须是正数，但收到的是 {lr}",
    "--lr must be a finite positive number, got {lr}":
        "--lr（学习率）必须是有限的正数，但收到的是 {lr}",
    "--epochs and --batch-size must be positive (got {epochs}, {batch_size})":
        "--epochs 和 --batch-size 必须是正数（收到的是 {epochs}、{batch_size}）",
    "--samples must be positive, got {samples}": "--samples 必须是正数，但收到的是 {samples}",
    "--dropout must be in [0, 1), got {dropout}":
        "--dropout 必须在 [0, 1) 内，但收到的是 {dropout}",
    "--weight-decay must be a finite number >= 0, got {weight_decay}":
        "--weight-decay 必须是大于或等于 0 的有限数，但收到的是 {weight_decay}",
    "--hidden sizes must be positive, got {hidden}":
        "--hidden 的各层大小必须是正数，但收到的是 {hidden}",
    "--seed must be >= 0, got {seed}": "--seed 必须大于或等于 0，但收到的是 {seed}",
    "--steps must be a positive integer, got {steps!r}":
        "--steps 必须是正整数，但收到的是 {steps!r}",
    # -- gradbook.cli: export and predict ------------------------------------------------
    "{path} exists; use --force to replace it": "{path} 已存在；要替换它请加 --force",
    "cannot export {model}: {error}": "无法导出 {model}：{error}",
    "ONNX graph written to {path}: input {features} raw features per row, output the model's "
    "{outputs} scores, {dtype}":
        "ONNX 计算图已写入 {path}：输入为每行 {features} 个原始特征，输出为模型的 {outputs} 个"
        "分数，数值类型 {dtype}",
    "weights written to {path}, their record to {record}":
        "权重已写入 {path}，它们的记录已写入 {record}",
    "{count} predictions written to {path}": "{count} 个预测结果已写入 {path}",
    "cannot tell what to write from the suffix of {path}: use .onnx (the graph) or "
    ".safetensors (the weights)":
        "无法从 {path} 的后缀判断要写出什么：请使用 .onnx（计算图）或 .safetensors（权重）",
    # -- gradbook.jobs: the record of a trained model -------------------------------------
    "cannot use {path}: {problem}": "无法使用 {path}：{problem}",
    "{size:,} bytes is too large for a model record (at most {most:,})":
        "{size:,} 字节，对模型记录来说太大了（最多 {most:,} 字节）",
    "not a model record: not UTF-8 text": "不是模型记录：不是 UTF-8 文本",
    "cannot read {path}: {reason}": "无法读取 {path}：{reason}",
    "the model record holds a non-finite number ({value})": "模型记录中含有非有限的数（{value}）",
    "not a model record: not JSON ({error})": "不是模型记录：不是 JSON（{error}）",
    "not a model record: its format is {found}, not {wanted!r}":
        "不是模型记录：它的 format 是 {found}，而不是 {wanted!r}",
    "model record version {version} is not supported (this gradbook reads version "
    "{supported})":
        "不支持版本为 {version} 的模型记录（这个 gradbook 只能读取版本 {supported}）",
    "the model record lacks {keys}": "模型记录缺少 {keys}",
    "the model record has unknown keys: {keys}": "模型记录中有未知的键：{keys}",
    "{key} must be {wanted}, got {value}": "{key} 必须是{wanted}，但收到的是 {value}",
    "one of {choices}": "{choices} 之一",
    "a list of two or more positive integers": "由两个或更多正整数组成的列表",
    "an activation's name": "激活函数的名字",
    "a number in [0, 1)": "[0, 1) 内的数",
    "a list of distinct finite numbers": "由互不相同的有限数组成的列表",
    "a positive integer": "正整数",
    "an object of two lists of finite numbers, mean and std":
        "由 mean 和 std 两个有限数列表组成的对象",
    "the deviations in standardize must be positive": "standardize 中的标准差必须是正数",
    "the name of a file in the record's folder": "记录所在文件夹中的一个文件名",
    "features is {features} but sizes starts with {first}":
        "features 是 {features}，但 sizes 的第一个数是 {first}",
    "standardize has {means} means and {stds} deviations for {features} features":
        "standardize 有 {means} 个均值和 {stds} 个标准差，但特征有 {features} 个",
    "a {task} model with the {loss} loss and {classes} classes is not one gradbook train makes":
        "gradbook train 不会生成使用 {loss} 损失函数、有 {classes} 个类别的 {task} 模型",
    "a {task} model with the {loss} loss and {classes} classes has {outputs} outputs, but "
    "sizes ends with {last}":
        "使用 {loss} 损失函数、有 {classes} 个类别的 {task} 模型有 {outputs} 个输出，"
        "但 sizes 的最后一个数是 {last}",
    "dropout needs the tensor engine, but the engine is value":
        "dropout 需要张量引擎（tensor），但记录的引擎是 value",
    "no model at {path}": "{path} 处没有模型",
    "{path} holds no {record}: give the folder gradbook train wrote, or its model.npz":
        "{path} 中没有 {record}：请给出 gradbook train 写出的文件夹，或其中的 model.npz",
    "{path} is not a model gradbook can rebuild: there is no record {record} beside it "
    "(gradbook train writes model.json beside model.npz)":
        "{path} 不是 gradbook 能重建的模型：它旁边没有记录文件 {record}（gradbook train 会在 "
        "model.npz 旁边写出 model.json）",
    "{path}: its weights file {weights} does not exist": "{path}：它的权重文件 {weights} 不存在",
    "{path}: cannot build the model it describes: {error}":
        "{path}：无法构建它所描述的模型：{error}",
    "{weights} does not hold the weights of the model {path} describes: {error}":
        "{weights} 中存放的不是 {path} 所描述模型的权重：{error}",
    "{path}: data row 1 has {cells} columns, but the model takes {features} features (or "
    "{with_target} columns, the last one a target)":
        "{path}：第 1 个数据行有 {cells} 列，但模型需要 {features} 个特征（或 {with_target} "
        "列，最后一列是目标值）",
    "the data set {name} has {count} features, but the model takes {features}":
        "数据集 {name} 有 {count} 个特征，但模型需要 {features} 个",
    # -- gradbook.jobs: output folders ----------------------------------------------------
    "--out names a file, not a folder: {out}": "--out 指定的是文件，不是文件夹：{out}",
    "refusing to use {out} as the output folder: it is the home folder, the current folder or "
    "one of its parents":
        "拒绝把 {out} 用作输出文件夹：它是主文件夹、当前文件夹或当前文件夹的上级文件夹",
    "the output folder {out} is not empty; use --force to replace it, or choose another --out":
        "输出文件夹 {out} 不是空的；要替换它请加 --force，或者换一个 --out",
    "--out {out}: {parent} is a file, not a folder": "--out {out}：{parent} 是文件，不是文件夹",
    # -- gradbook.jobs: training and the demo ---------------------------------------------
    "data {name}: {train} training and {test} test samples, {features} features, task {task}":
        "数据 {name}：{train} 个训练样本和 {test} 个测试样本，{features} 个特征，任务：{task}",
    " ({classes} classes: {labels})": "（{classes} 个类别：{labels}）",
    "binary": "二分类",
    "multiclass": "多分类",
    "regression": "回归",
    "model ({engine} engine): {model!r}": "模型（{engine} 引擎）：{model!r}",
    "loss {loss}, optimizer {optimizer}, {epochs} epochs, batch size {batch_size}":
        "损失函数 {loss}，优化器 {optimizer}，{epochs} 轮，批大小 {batch_size}",
    "epoch {epoch:3d}  {metrics}": "第 {epoch:3d} 轮  {metrics}",
    "loss": "损失",
    "accuracy": "准确率",
    "val_loss": "验证损失",
    "val_accuracy": "验证准确率",
    "(no plots: {error})": "（没有画图：{error}）",
    "(no neuron.svg: {error})": "（没有生成 neuron.svg：{error}）",
    "{name}: decision boundary": "{name}：决策边界",
    "neuron 0 of the first layer on sample 0: f′(z) = 0 on every sample tried, so every "
    "gradient below is 0":
        "第一层的第 0 个神经元在第 0 个样本上：试过的每个样本上都有 f′(z) = 0，"
        "所以下面的梯度全都是 0",
    "neuron {neuron} of the first layer on sample {sample}: a = {activation}(z), "
    "da/dwᵢ = f′(z)·xᵢ, da/db = f′(z)":
        "第一层的第 {neuron} 个神经元在第 {sample} 个样本上：a = {activation}(z)，"
        "da/dwᵢ = f′(z)·xᵢ，da/db = f′(z)",
    "model: {model!r}": "模型：{model!r}",
    "data: 100 two-moons points, labels ±1; {steps} steps of full-batch SGD":
        "数据：100 个双月形（two moons）数据点，标签为 ±1；全批量 SGD 训练 {steps} 步",
    "step {step:3d}  loss {loss:.4f}  accuracy {accuracy:.0%}":
        "第 {step:3d} 步  损失 {loss:.4f}  准确率 {accuracy:.0%}",
    "gradcheck at the start: d loss / d (layer 0, neuron 0), backprop vs central differences:":
        "训练开始时的梯度检验：d 损失 / d（第 0 层第 0 个神经元），反向传播与中心差分对比：",
}
