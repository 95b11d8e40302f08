package dev.breakwater.cache.codec.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * A port of go.yaml.in/yaml/v2 v2.4.3's emitter ({@code emitterc.go}, itself libyaml's) as
 * {@code yaml.Marshal} drives it: UTF-8, unicode on, indent 2, width 80 (yaml.v2 folds long plain
 * and quoted scalars at spaces past column 80: {@code FutureLineWrap} is never called in the
 * apiserver), LF breaks, implicit documents, no anchors or tags (every scalar event is implicit
 * and quoted-implicit). Statement for statement the same state machine, event queue look-ahead
 * (empty collections become {@code []}/{@code {}}), scalar analysis and writers, so the bytes are
 * the same; only the parts {@code yaml.Marshal} of JSON data can reach are kept.
 *
 * <p>Output accumulates in {@link #out}; the caller drains it ({@link #take}) between events, which
 * is how a LIST streams. Single-threaded: one emitter per response.
 */
final class YamlEmitter {

  enum Type { STREAM_START, STREAM_END, DOCUMENT_START, DOCUMENT_END, SEQUENCE_START, SEQUENCE_END, MAPPING_START, MAPPING_END, SCALAR }

  static final int PLAIN = 1;
  static final int SINGLE_QUOTED = 2;
  static final int DOUBLE_QUOTED = 3;
  static final int LITERAL = 4;
  static final int FOLDED = 5;
  static final int BLOCK = 1;
  static final int FLOW = 2;

  /** One event: a scalar's UTF-8 value and requested style, or a collection's style. */
  record Event(Type type, byte[] value, int style) {}

  static final Event STREAM_START = new Event(Type.STREAM_START, null, 0);
  static final Event STREAM_END = new Event(Type.STREAM_END, null, 0);
  static final Event DOCUMENT_START = new Event(Type.DOCUMENT_START, null, 0);
  static final Event DOCUMENT_END = new Event(Type.DOCUMENT_END, null, 0);
  static final Event SEQUENCE_START = new Event(Type.SEQUENCE_START, null, BLOCK);
  static final Event SEQUENCE_END = new Event(Type.SEQUENCE_END, null, 0);
  static final Event MAPPING_START = new Event(Type.MAPPING_START, null, BLOCK);
  static final Event MAPPING_END = new Event(Type.MAPPING_END, null, 0);

  private enum State {
    STREAM_START, FIRST_DOCUMENT_START, DOCUMENT_START, DOCUMENT_CONTENT, DOCUMENT_END, FLOW_SEQUENCE_FIRST_ITEM,
    FLOW_SEQUENCE_ITEM, FLOW_MAPPING_FIRST_KEY, FLOW_MAPPING_KEY, FLOW_MAPPING_SIMPLE_VALUE, FLOW_MAPPING_VALUE,
    BLOCK_SEQUENCE_FIRST_ITEM, BLOCK_SEQUENCE_ITEM, BLOCK_MAPPING_FIRST_KEY, BLOCK_MAPPING_KEY, BLOCK_MAPPING_SIMPLE_VALUE,
    BLOCK_MAPPING_VALUE, END
  }

  private static final int BEST_INDENT = 2;
  private static final int BEST_WIDTH = 80;

  private final Bytes out = new Bytes();
  private final List<Event> events = new ArrayList<>();
  private int head;
  private State state = State.STREAM_START;
  private final List<State> states = new ArrayList<>();
  private final IntStack indents = new IntStack();
  private int indent;
  private int flowLevel;
  private boolean rootContext;
  private boolean sequenceContext;
  private boolean mappingContext;
  private boolean simpleKeyContext;
  private int column;
  private boolean whitespace;
  private boolean indention;
  private boolean openEnded;

  // scalar_data
  private byte[] value;
  private boolean multiline;
  private boolean flowPlainAllowed;
  private boolean blockPlainAllowed;
  private boolean singleQuotedAllowed;
  private boolean blockAllowed;
  private int scalarStyle;

  /** The bytes written so far (not yet taken). */
  int pending() {
    return out.size;
  }

  /** Takes the bytes written so far. */
  byte[] take() {
    return out.take();
  }

  void emit(Event event) {
    events.add(event);
    while (!needMoreEvents()) {
      Event e = events.get(head);
      analyzeEvent(e);
      stateMachine(e);
      head++;
    }
    if (head == events.size()) {
      events.clear();
      head = 0;
    }
  }

  /** yaml.v2's {@code encoder.finish}: no open-ended marker, then STREAM-END. */
  void finish() {
    openEnded = false;
    emit(STREAM_END);
  }

  void scalar(byte[] v, int style) {
    emit(new Event(Type.SCALAR, v, style));
  }

  private boolean needMoreEvents() {
    if (head == events.size()) {
      return true;
    }
    int accumulate;
    switch (events.get(head).type()) {
      case DOCUMENT_START -> accumulate = 1;
      case SEQUENCE_START -> accumulate = 2;
      case MAPPING_START -> accumulate = 3;
      default -> {
        return false;
      }
    }
    if (events.size() - head > accumulate) {
      return false;
    }
    int level = 0;
    for (int i = head; i < events.size(); i++) {
      switch (events.get(i).type()) {
        case STREAM_START, DOCUMENT_START, SEQUENCE_START, MAPPING_START -> level++;
        case STREAM_END, DOCUMENT_END, SEQUENCE_END, MAPPING_END -> level--;
        default -> { }
      }
      if (level == 0) {
        return false;
      }
    }
    return true;
  }

  private void increaseIndent(boolean flow, boolean indentless) {
    indents.push(indent);
    if (indent < 0) {
      indent = flow ? BEST_INDENT : 0;
    } else if (!indentless) {
      indent += BEST_INDENT;
    }
  }

  private void popState() {
    state = states.remove(states.size() - 1);
  }

  private void stateMachine(Event e) {
    switch (state) {
      case STREAM_START -> {
        expect(e, Type.STREAM_START);
        indent = -1;
        column = 0;
        whitespace = true;
        indention = true;
        state = State.FIRST_DOCUMENT_START;
      }
      case FIRST_DOCUMENT_START, DOCUMENT_START -> documentStart(e, state == State.FIRST_DOCUMENT_START);
      case DOCUMENT_CONTENT -> {
        states.add(State.DOCUMENT_END);
        node(e, true, false, false, false);
      }
      case DOCUMENT_END -> {
        expect(e, Type.DOCUMENT_END);
        writeIndent();
        state = State.DOCUMENT_START;
      }
      case FLOW_SEQUENCE_FIRST_ITEM -> flowSequenceItem(e, true);
      case FLOW_SEQUENCE_ITEM -> flowSequenceItem(e, false);
      case FLOW_MAPPING_FIRST_KEY -> flowMappingKey(e, true);
      case FLOW_MAPPING_KEY -> flowMappingKey(e, false);
      case FLOW_MAPPING_SIMPLE_VALUE -> flowMappingValue(e, true);
      case FLOW_MAPPING_VALUE -> flowMappingValue(e, false);
      case BLOCK_SEQUENCE_FIRST_ITEM -> blockSequenceItem(e, true);
      case BLOCK_SEQUENCE_ITEM -> blockSequenceItem(e, false);
      case BLOCK_MAPPING_FIRST_KEY -> blockMappingKey(e, true);
      case BLOCK_MAPPING_KEY -> blockMappingKey(e, false);
      case BLOCK_MAPPING_SIMPLE_VALUE -> blockMappingValue(e, true);
      case BLOCK_MAPPING_VALUE -> blockMappingValue(e, false);
      case END -> throw new IllegalStateException("expected nothing after STREAM-END");
    }
  }

  private static void expect(Event e, Type t) {
    if (e.type() != t) {
      throw new IllegalStateException("expected " + t + ", got " + e.type());
    }
  }

  private void documentStart(Event e, boolean first) {
    if (e.type() == Type.DOCUMENT_START) {
      if (!first) {
        writeIndent();
        writeIndicator("---", true, false, false);
      }
      state = State.DOCUMENT_CONTENT;
      return;
    }
    expect(e, Type.STREAM_END);
    if (openEnded) {
      writeIndicator("...", true, false, false);
      writeIndent();
    }
    state = State.END;
  }

  private void flowSequenceItem(Event e, boolean first) {
    if (first) {
      writeIndicator("[", true, true, false);
      increaseIndent(true, false);
      flowLevel++;
    }
    if (e.type() == Type.SEQUENCE_END) {
      flowLevel--;
      indent = indents.pop();
      writeIndicator("]", false, false, false);
      popState();
      return;
    }
    if (!first) {
      writeIndicator(",", false, false, false);
    }
    if (column > BEST_WIDTH) {
      writeIndent();
    }
    states.add(State.FLOW_SEQUENCE_ITEM);
    node(e, false, true, false, false);
  }

  private void flowMappingKey(Event e, boolean first) {
    if (first) {
      writeIndicator("{", true, true, false);
      increaseIndent(true, false);
      flowLevel++;
    }
    if (e.type() == Type.MAPPING_END) {
      flowLevel--;
      indent = indents.pop();
      writeIndicator("}", false, false, false);
      popState();
      return;
    }
    if (!first) {
      writeIndicator(",", false, false, false);
    }
    if (column > BEST_WIDTH) {
      writeIndent();
    }
    if (checkSimpleKey()) {
      states.add(State.FLOW_MAPPING_SIMPLE_VALUE);
      node(e, false, false, true, true);
      return;
    }
    writeIndicator("?", true, false, false);
    states.add(State.FLOW_MAPPING_VALUE);
    node(e, false, false, true, false);
  }

  private void flowMappingValue(Event e, boolean simple) {
    if (simple) {
      writeIndicator(":", false, false, false);
    } else {
      if (column > BEST_WIDTH) {
        writeIndent();
      }
      writeIndicator(":", true, false, false);
    }
    states.add(State.FLOW_MAPPING_KEY);
    node(e, false, false, true, false);
  }

  private void blockSequenceItem(Event e, boolean first) {
    if (first) {
      increaseIndent(false, mappingContext && !indention);
    }
    if (e.type() == Type.SEQUENCE_END) {
      indent = indents.pop();
      popState();
      return;
    }
    writeIndent();
    writeIndicator("-", true, false, true);
    states.add(State.BLOCK_SEQUENCE_ITEM);
    node(e, false, true, false, false);
  }

  private void blockMappingKey(Event e, boolean first) {
    if (first) {
      increaseIndent(false, false);
    }
    if (e.type() == Type.MAPPING_END) {
      indent = indents.pop();
      popState();
      return;
    }
    writeIndent();
    if (checkSimpleKey()) {
      states.add(State.BLOCK_MAPPING_SIMPLE_VALUE);
      node(e, false, false, true, true);
      return;
    }
    writeIndicator("?", true, false, true);
    states.add(State.BLOCK_MAPPING_VALUE);
    node(e, false, false, true, false);
  }

  private void blockMappingValue(Event e, boolean simple) {
    if (simple) {
      writeIndicator(":", false, false, false);
    } else {
      writeIndent();
      writeIndicator(":", true, false, true);
    }
    states.add(State.BLOCK_MAPPING_KEY);
    node(e, false, false, true, false);
  }

  private void node(Event e, boolean root, boolean sequence, boolean mapping, boolean simpleKey) {
    rootContext = root;
    sequenceContext = sequence;
    mappingContext = mapping;
    simpleKeyContext = simpleKey;
    switch (e.type()) {
      case SCALAR -> emitScalar(e);
      case SEQUENCE_START -> state = flowLevel > 0 || e.style() == FLOW || checkEmpty(Type.SEQUENCE_START, Type.SEQUENCE_END)
          ? State.FLOW_SEQUENCE_FIRST_ITEM : State.BLOCK_SEQUENCE_FIRST_ITEM;
      case MAPPING_START -> state = flowLevel > 0 || e.style() == FLOW || checkEmpty(Type.MAPPING_START, Type.MAPPING_END)
          ? State.FLOW_MAPPING_FIRST_KEY : State.BLOCK_MAPPING_FIRST_KEY;
      default -> throw new IllegalStateException("expected SCALAR, SEQUENCE-START or MAPPING-START, got " + e.type());
    }
  }

  private void emitScalar(Event e) {
    selectScalarStyle(e);
    increaseIndent(true, false);
    switch (scalarStyle) {
      case PLAIN -> writePlain(value, !simpleKeyContext);
      case SINGLE_QUOTED -> writeSingleQuoted(value, !simpleKeyContext);
      case DOUBLE_QUOTED -> writeDoubleQuoted(value, !simpleKeyContext);
      case LITERAL -> writeLiteral(value);
      default -> throw new IllegalStateException("folded style is not requested by yaml.Marshal");
    }
    indent = indents.pop();
    popState();
  }

  private boolean checkEmpty(Type start, Type end) {
    if (events.size() - head < 2) {
      return false;
    }
    return events.get(head).type() == start && events.get(head + 1).type() == end;
  }

  private boolean checkSimpleKey() {
    Event e = events.get(head);
    int length = 0;
    switch (e.type()) {
      case SCALAR -> {
        if (multiline) {
          return false;
        }
        length += value.length;
      }
      case SEQUENCE_START -> {
        if (!checkEmpty(Type.SEQUENCE_START, Type.SEQUENCE_END)) {
          return false;
        }
      }
      case MAPPING_START -> {
        if (!checkEmpty(Type.MAPPING_START, Type.MAPPING_END)) {
          return false;
        }
      }
      default -> {
        return false;
      }
    }
    return length <= 128;
  }

  private void selectScalarStyle(Event e) {
    int style = e.style();
    if (simpleKeyContext && multiline) {
      style = DOUBLE_QUOTED;
    }
    if (style == PLAIN) {
      if (flowLevel > 0 && !flowPlainAllowed || flowLevel == 0 && !blockPlainAllowed) {
        style = SINGLE_QUOTED;
      }
      if (value.length == 0 && (flowLevel > 0 || simpleKeyContext)) {
        style = SINGLE_QUOTED;
      }
    }
    if (style == SINGLE_QUOTED && !singleQuotedAllowed) {
      style = DOUBLE_QUOTED;
    }
    if (style == LITERAL || style == FOLDED) {
      if (!blockAllowed || flowLevel > 0 || simpleKeyContext) {
        style = DOUBLE_QUOTED;
      }
    }
    scalarStyle = style;
  }

  private void analyzeEvent(Event e) {
    value = null;
    if (e.type() == Type.SCALAR) {
      analyzeScalar(e.value());
    }
  }

  private void analyzeScalar(byte[] v) {
    value = v;
    if (v.length == 0) {
      multiline = false;
      flowPlainAllowed = false;
      blockPlainAllowed = true;
      singleQuotedAllowed = true;
      blockAllowed = false;
      return;
    }
    boolean blockIndicators = false;
    boolean flowIndicators = false;
    boolean lineBreaks = false;
    boolean specialCharacters = false;
    boolean leadingSpace = false;
    boolean leadingBreak = false;
    boolean trailingSpace = false;
    boolean trailingBreak = false;
    boolean breakSpace = false;
    boolean spaceBreak = false;
    boolean precededByWhitespace;
    boolean followedByWhitespace;
    boolean previousSpace = false;
    boolean previousBreak = false;
    if (v.length >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') || (v[0] == '.' && v[1] == '.' && v[2] == '.'))) {
      blockIndicators = true;
      flowIndicators = true;
    }
    precededByWhitespace = true;
    for (int i = 0, w; i < v.length; i += w) {
      int fast = v[i];
      if (i > 0 && fast > 0x20 && fast < 0x7F && fast != ',' && fast != '?' && fast != '[' && fast != ']' && fast != '{'
          && fast != '}' && fast != ':' && fast != '#') {
        // printable ASCII that is no indicator here: what the general path would conclude, quickly
        w = 1;
        previousSpace = false;
        previousBreak = false;
        precededByWhitespace = false;
        continue;
      }
      w = width(v[i]);
      followedByWhitespace = i + w >= v.length || isBlank(v, i + w);
      if (i == 0) {
        switch (v[i]) {
          case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' -> {
            flowIndicators = true;
            blockIndicators = true;
          }
          case '?', ':' -> {
            flowIndicators = true;
            if (followedByWhitespace) {
              blockIndicators = true;
            }
          }
          case '-' -> {
            if (followedByWhitespace) {
              flowIndicators = true;
              blockIndicators = true;
            }
          }
          default -> { }
        }
      } else {
        switch (v[i]) {
          case ',', '?', '[', ']', '{', '}' -> flowIndicators = true;
          case ':' -> {
            flowIndicators = true;
            if (followedByWhitespace) {
              blockIndicators = true;
            }
          }
          case '#' -> {
            if (precededByWhitespace) {
              flowIndicators = true;
              blockIndicators = true;
            }
          }
          default -> { }
        }
      }
      if (!isPrintable(v, i)) {
        specialCharacters = true;
      }
      if (isSpace(v, i)) {
        if (i == 0) {
          leadingSpace = true;
        }
        if (i + width(v[i]) == v.length) {
          trailingSpace = true;
        }
        if (previousBreak) {
          breakSpace = true;
        }
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(v, i)) {
        lineBreaks = true;
        if (i == 0) {
          leadingBreak = true;
        }
        if (i + width(v[i]) == v.length) {
          trailingBreak = true;
        }
        if (previousSpace) {
          spaceBreak = true;
        }
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = isBlankz(v, i);
      if (w == 0) {
        w = 1; // not UTF-8: cannot happen with decoded JSON strings
      }
    }
    multiline = lineBreaks;
    flowPlainAllowed = true;
    blockPlainAllowed = true;
    singleQuotedAllowed = true;
    blockAllowed = true;
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
      flowPlainAllowed = false;
      blockPlainAllowed = false;
    }
    if (trailingSpace) {
      blockAllowed = false;
    }
    if (breakSpace) {
      flowPlainAllowed = false;
      blockPlainAllowed = false;
      singleQuotedAllowed = false;
    }
    if (spaceBreak || specialCharacters) {
      flowPlainAllowed = false;
      blockPlainAllowed = false;
      singleQuotedAllowed = false;
      blockAllowed = false;
    }
    if (lineBreaks) {
      flowPlainAllowed = false;
      blockPlainAllowed = false;
    }
    if (flowIndicators) {
      flowPlainAllowed = false;
    }
    if (blockIndicators) {
      blockPlainAllowed = false;
    }
  }

  // ---- writers

  private void put(int b) {
    out.add(b);
    column++;
  }

  private void putBreak() {
    out.add('\n');
    column = 0;
  }

  private int write(byte[] s, int i) {
    int w = width(s[i]);
    if (w == 0) {
      w = 1;
    }
    for (int k = 0; k < w && i + k < s.length; k++) {
      out.add(s[i + k]);
    }
    column++;
    return i + w;
  }

  private void writeAll(String s) {
    for (int i = 0; i < s.length(); i++) {
      out.add(s.charAt(i));
      column++;
    }
  }

  private int writeBreak(byte[] s, int i) {
    if (s[i] == '\n') {
      putBreak();
      return i + 1;
    }
    int next = write(s, i);
    column = 0;
    return next;
  }

  private void writeIndent() {
    int ind = Math.max(indent, 0);
    if (!indention || column > ind || (column == ind && !whitespace)) {
      putBreak();
    }
    while (column < ind) {
      put(' ');
    }
    whitespace = true;
    indention = true;
  }

  private void writeIndicator(String indicator, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
    if (needWhitespace && !whitespace) {
      put(' ');
    }
    writeAll(indicator);
    whitespace = isWhitespace;
    indention = indention && isIndention;
    openEnded = false;
  }

  private void writePlain(byte[] v, boolean allowBreaks) {
    if (!whitespace) {
      put(' ');
    }
    boolean spaces = false;
    boolean breaks = false;
    for (int i = 0; i < v.length;) {
      int fast = v[i];
      if (fast > 0x20 && fast < 0x7F && !breaks) {
        out.add(fast);
        column++;
        i++;
        indention = false;
        spaces = false;
        continue;
      }
      if (isSpace(v, i)) {
        if (allowBreaks && !spaces && column > BEST_WIDTH && !isSpace(v, i + 1)) {
          writeIndent();
          i += width(v[i]);
        } else {
          i = write(v, i);
        }
        spaces = true;
      } else if (isBreak(v, i)) {
        if (!breaks && v[i] == '\n') {
          putBreak();
        }
        i = writeBreak(v, i);
        indention = true;
        breaks = true;
      } else {
        if (breaks) {
          writeIndent();
        }
        i = write(v, i);
        indention = false;
        spaces = false;
        breaks = false;
      }
    }
    whitespace = false;
    indention = false;
    if (rootContext) {
      openEnded = true;
    }
  }

  private void writeSingleQuoted(byte[] v, boolean allowBreaks) {
    writeIndicator("'", true, false, false);
    boolean spaces = false;
    boolean breaks = false;
    for (int i = 0; i < v.length;) {
      if (isSpace(v, i)) {
        if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < v.length - 1 && !isSpace(v, i + 1)) {
          writeIndent();
          i += width(v[i]);
        } else {
          i = write(v, i);
        }
        spaces = true;
      } else if (isBreak(v, i)) {
        if (!breaks && v[i] == '\n') {
          putBreak();
        }
        i = writeBreak(v, i);
        indention = true;
        breaks = true;
      } else {
        if (breaks) {
          writeIndent();
        }
        if (v[i] == '\'') {
          put('\'');
        }
        i = write(v, i);
        indention = false;
        spaces = false;
        breaks = false;
      }
    }
    writeIndicator("'", false, false, false);
    whitespace = false;
    indention = false;
  }

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

  private void writeDoubleQuoted(byte[] v, boolean allowBreaks) {
    boolean spaces = false;
    writeIndicator("\"", true, false, false);
    boolean bom = isBom(v);
    for (int i = 0; i < v.length;) {
      int fast = v[i];
      if (fast > 0x20 && fast < 0x7F && fast != '"' && fast != '\\' && !bom) {
        out.add(fast);
        column++;
        i++;
        spaces = false;
        continue;
      }
      if (!isPrintable(v, i) || bom || isBreak(v, i) || v[i] == '"' || v[i] == '\\') {
        int octet = v[i] & 0xFF;
        int w = 1;
        int cp = octet & 0x7F;
        if ((octet & 0xE0) == 0xC0) {
          w = 2;
          cp = octet & 0x1F;
        } else if ((octet & 0xF0) == 0xE0) {
          w = 3;
          cp = octet & 0x0F;
        } else if ((octet & 0xF8) == 0xF0) {
          w = 4;
          cp = octet & 0x07;
        }
        for (int k = 1; k < w; k++) {
          cp = (cp << 6) + (v[i + k] & 0x3F);
        }
        i += w;
        put('\\');
        switch (cp) {
          case 0x00 -> put('0');
          case 0x07 -> put('a');
          case 0x08 -> put('b');
          case 0x09 -> put('t');
          case 0x0A -> put('n');
          case 0x0B -> put('v');
          case 0x0C -> put('f');
          case 0x0D -> put('r');
          case 0x1B -> put('e');
          case 0x22 -> put('"');
          case 0x5C -> put('\\');
          case 0x85 -> put('N');
          case 0xA0 -> put('_');
          case 0x2028 -> put('L');
          case 0x2029 -> put('P');
          default -> {
            int digits;
            if (cp <= 0xFF) {
              put('x');
              digits = 2;
            } else if (cp <= 0xFFFF) {
              put('u');
              digits = 4;
            } else {
              put('U');
              digits = 8;
            }
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) {
              put(HEX[(cp >> k) & 0x0F]);
            }
          }
        }
        spaces = false;
      } else if (isSpace(v, i)) {
        if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < v.length - 1) {
          writeIndent();
          if (isSpace(v, i + 1)) {
            put('\\');
          }
          i += width(v[i]);
        } else {
          i = write(v, i);
        }
        spaces = true;
      } else {
        i = write(v, i);
        spaces = false;
      }
    }
    writeIndicator("\"", false, false, false);
    whitespace = false;
    indention = false;
  }

  private void writeBlockScalarHints(byte[] v) {
    if (isSpace(v, 0) || isBreak(v, 0)) {
      writeIndicator(String.valueOf((char) ('0' + BEST_INDENT)), false, false, false);
    }
    openEnded = false;
    char chomp = 0;
    if (v.length == 0) {
      chomp = '-';
    } else {
      int i = v.length - 1;
      while ((v[i] & 0xC0) == 0x80) {
        i--;
      }
      if (!isBreak(v, i)) {
        chomp = '-';
      } else if (i == 0) {
        chomp = '+';
        openEnded = true;
      } else {
        i--;
        while ((v[i] & 0xC0) == 0x80) {
          i--;
        }
        if (isBreak(v, i)) {
          chomp = '+';
          openEnded = true;
        }
      }
    }
    if (chomp != 0) {
      writeIndicator(String.valueOf(chomp), false, false, false);
    }
  }

  private void writeLiteral(byte[] v) {
    writeIndicator("|", true, false, false);
    writeBlockScalarHints(v);
    putBreak();
    indention = true;
    whitespace = true;
    boolean breaks = true;
    for (int i = 0; i < v.length;) {
      int fast = v[i];
      if (fast >= 0x20 && fast < 0x7F && !breaks) {
        out.add(fast);
        column++;
        i++;
        continue;
      }
      if (isBreak(v, i)) {
        i = writeBreak(v, i);
        indention = true;
        breaks = true;
      } else {
        if (breaks) {
          writeIndent();
        }
        i = write(v, i);
        indention = false;
        breaks = false;
      }
    }
  }

  // ---- yamlprivateh.go (out-of-range reads are 0, as Go's padded buffers would be)

  private static int at(byte[] b, int i) {
    return i < b.length ? b[i] & 0xFF : 0;
  }

  static int width(byte b) {
    int c = b & 0xFF;
    if ((c & 0x80) == 0) {
      return 1;
    }
    if ((c & 0xE0) == 0xC0) {
      return 2;
    }
    if ((c & 0xF0) == 0xE0) {
      return 3;
    }
    if ((c & 0xF8) == 0xF0) {
      return 4;
    }
    return 0;
  }

  static boolean isPrintable(byte[] b, int i) {
    int c = at(b, i);
    int c1 = at(b, i + 1);
    int c2 = at(b, i + 2);
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && c1 >= 0xA0) || (c > 0xC2 && c < 0xED)
        || (c == 0xED && c1 < 0xA0) || c == 0xEE
        || (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) && !(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
  }

  /** Go's is_bom looks at the value's first bytes, whatever {@code i}: a value starting with a BOM is escaped throughout. */
  private static boolean isBom(byte[] b) {
    return at(b, 0) == 0xEF && at(b, 1) == 0xBB && at(b, 2) == 0xBF;
  }

  static boolean isSpace(byte[] b, int i) {
    return at(b, i) == ' ';
  }

  static boolean isBlank(byte[] b, int i) {
    int c = at(b, i);
    return c == ' ' || c == '\t';
  }

  static boolean isBreak(byte[] b, int i) {
    int c = at(b, i);
    return c == '\r' || c == '\n' || (c == 0xC2 && at(b, i + 1) == 0x85)
        || (c == 0xE2 && at(b, i + 1) == 0x80 && (at(b, i + 2) == 0xA8 || at(b, i + 2) == 0xA9));
  }

  static boolean isBlankz(byte[] b, int i) {
    return isBlank(b, i) || isBreak(b, i) || at(b, i) == 0;
  }

  /** A growable byte buffer. */
  static final class Bytes {
    byte[] buf = new byte[256];
    int size;

    void add(int b) {
      if (size == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
      }
      buf[size++] = (byte) b;
    }

    byte[] take() {
      byte[] r = java.util.Arrays.copyOf(buf, size);
      size = 0;
      return r;
    }
  }

  /** A stack of ints. */
  static final class IntStack {
    private int[] a = new int[16];
    private int n;

    void push(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int pop() {
      return a[--n];
    }
  }
}
