// Slice box, part 1 of 3: the expression grammar of lstm_figures.locate
// (lstm_figures/expressions.py), tokenized and parsed into a tree here, never evaluated as
// JavaScript; and SliceError, the reader-facing error all three parts throw.
// Loaded first by docs/shapes.rst; it creates window.lstmSlices, the namespace that
// strided.js and slices.js (then slice_box.js) add to.
(function () {
  "use strict";

  // ---------------------------------------------------------------- errors
  /** A sentence for the reader: `key` names a data-msg-* template of the slice box. */
  class SliceError extends Error {
    constructor(key, params) {
      super(key);
      this.key = key;
      this.params = params || {};
    }
  }
  const fail = (key, params) => {
    throw new SliceError(key, params);
  };

  // ------------------------------------------------------------- tokenizer
  const PUNCTUATION = ["...", "//", "+", "-", "*", "(", ")", "[", "]", ",", ":", ".", "="];

  /** Tokens of `text`: {kind: "int" | "name" | "op" | "end", text, at} (at: 1-based column). */
  function tokenize(text) {
    const tokens = [];
    let i = 0;
    while (i < text.length) {
      const rest = text.slice(i);
      const space = /^\s+/.exec(rest);
      if (space) {
        i += space[0].length;
        continue;
      }
      // Python's integer literals: decimal, 0x, 0o, 0b, single underscores between digits.
      const number =
        /^(0[xX](_?[\da-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?0)*|[1-9](_?\d)*)(?![\w.])/.exec(
          rest,
        );
      if (number) {
        tokens.push({ kind: "int", text: number[0].replace(/_/g, ""), at: i + 1 });
        i += number[0].length;
        continue;
      }
      const name = /^[A-Za-z_]\w*/.exec(rest);
      if (name) {
        tokens.push({ kind: "name", text: name[0], at: i + 1 });
        i += name[0].length;
        continue;
      }
      const op = PUNCTUATION.find((p) => rest.startsWith(p));
      if (!op || /^\d/.test(rest)) {
        // A float, a number glued to letters, or a character outside the grammar.
        const token = /^\d[\w.]*/.exec(rest);
        fail("unexpected", { token: token ? token[0] : Array.from(rest)[0], column: i + 1 });
      }
      tokens.push({ kind: "op", text: op, at: i + 1 });
      i += op.length;
    }
    tokens.push({ kind: "end", text: "", at: text.length + 1 });
    return tokens;
  }

  // ---------------------------------------------------------------- parser
  // Nodes: int, name, neg, binop, tuple, list, ellipsis, none, attribute, call, subscript, slice.
  function parse(text) {
    const tokens = tokenize(text);
    let position = 0;
    const peek = () => tokens[position];
    const isOp = (op) => peek().kind === "op" && peek().text === op;
    const unexpected = () => {
      const token = peek();
      if (token.kind === "end") {
        fail("incomplete", {});
      }
      fail("unexpected", { token: token.text, column: token.at });
    };
    const expect = (op) => {
      if (!isOp(op)) {
        unexpected();
      }
      position++;
    };

    function expression() {
      let node = term();
      while (isOp("+") || isOp("-")) {
        const op = tokens[position++].text;
        node = { type: "binop", op, left: node, right: term() };
      }
      return node;
    }
    function term() {
      let node = unary();
      while (isOp("*") || isOp("//")) {
        const op = tokens[position++].text;
        node = { type: "binop", op, left: node, right: unary() };
      }
      return node;
    }
    function unary() {
      if (isOp("-")) {
        position++;
        return { type: "neg", operand: unary() };
      }
      return postfix();
    }
    function postfix() {
      let node = atom();
      for (;;) {
        if (isOp(".")) {
          position++;
          if (peek().kind !== "name") {
            unexpected();
          }
          node = { type: "attribute", value: node, name: tokens[position++].text };
        } else if (isOp("(")) {
          position++;
          node = { type: "call", func: node, ...callArguments() };
        } else if (isOp("[")) {
          position++;
          node = { type: "subscript", value: node, items: subscriptItems() };
        } else {
          return node;
        }
      }
    }
    function atom() {
      const token = peek();
      if (token.kind === "int") {
        position++;
        // Number() reads 0x/0o/0b itself; decimal may have leading zeros only as "00".
        return { type: "int", value: Number(token.text) };
      }
      if (token.kind === "name") {
        position++;
        return token.text === "None" ? { type: "none" } : { type: "name", name: token.text };
      }
      if (isOp("...")) {
        position++;
        return { type: "ellipsis" };
      }
      if (isOp("(")) {
        position++;
        if (isOp(")")) {
          position++;
          return { type: "tuple", items: [] };
        }
        const first = expression();
        if (isOp(")")) {
          position++;
          return first;
        }
        const items = [first];
        while (isOp(",")) {
          position++;
          if (isOp(")")) {
            break;
          }
          items.push(expression());
        }
        expect(")");
        return { type: "tuple", items };
      }
      if (isOp("[")) {
        position++;
        const items = [];
        while (!isOp("]")) {
          items.push(expression());
          if (!isOp(",")) {
            break;
          }
          position++;
        }
        expect("]");
        return { type: "list", items };
      }
      return unexpected();
    }
    function callArguments() {
      const args = [];
      const keywords = {};
      while (!isOp(")")) {
        if (peek().kind === "name" && tokens[position + 1].text === "=") {
          const name = tokens[position].text;
          position += 2;
          keywords[name] = expression();
        } else {
          if (Object.keys(keywords).length) {
            unexpected(); // Python: a positional argument after a keyword one
          }
          args.push(expression());
        }
        if (!isOp(",")) {
          break;
        }
        position++;
      }
      expect(")");
      return { args, keywords };
    }
    function subscriptItems() {
      const items = [];
      for (;;) {
        items.push(subscriptItem());
        if (!isOp(",")) {
          break;
        }
        position++;
        if (isOp("]")) {
          break;
        }
      }
      expect("]");
      // a[(0, 1)] is a[0, 1] in Python.
      if (items.length === 1 && items[0].type === "tuple") {
        return items[0].items;
      }
      return items;
    }
    function subscriptItem() {
      const bound = () => (isOp(":") || isOp(",") || isOp("]") ? null : expression());
      const start = bound();
      if (!isOp(":")) {
        if (start === null) {
          unexpected();
        }
        return start;
      }
      position++;
      const stop = bound();
      let step = null;
      if (isOp(":")) {
        position++;
        step = bound();
      }
      return { type: "slice", start, stop, step };
    }

    const tree = expression();
    if (peek().kind !== "end") {
      unexpected();
    }
    return tree;
  }

  /** A short name for a part of an expression, for messages. */
  function describeNode(node) {
    switch (node.type) {
      case "int":
        return String(node.value);
      case "name":
        return node.name;
      case "none":
        return "None";
      case "ellipsis":
        return "...";
      case "attribute":
        return describeNode(node.value) + "." + node.name;
      case "call":
        return describeNode(node.func) + "()";
      case "subscript":
        return describeNode(node.value) + "[]";
      case "tuple":
        return "( )";
      case "list":
        return "[ ]";
      case "slice":
        return ":";
      default:
        return node.op || "-";
    }
  }

  window.lstmSlices = { SliceError, fail, parse, describeNode };
})();
