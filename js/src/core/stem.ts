/**
 * The Snowball English ("Porter2") stemmer, ported from the code that
 * Snowball 3.1.1 generates for Python (the `snowballstemmer` package the
 * index builder uses), so that both sides stem every word identically.
 * The npm ports of Snowball predate 3.x and differ on words like "past" or
 * "ogist"; test/lexical.test.ts checks this port against Python on a word list.
 *
 * Indexes are UTF-16 code units, which equal Python's code points for the
 * BMP words that the analyzer passes here.
 */

interface Among {
  s: string;
  substringI: number;
  result: number;
}

const among = (rows: [string, number, number][]): Among[] =>
  rows.map(([s, substringI, result]) => ({ s, substringI, result }));

const G_AEO = "aeo";
const G_V = "aeiouy";
const G_V_WXY = "Yaeiouwxy";
const G_VALID_LI = "cdeghkmnrt";

const A_0 = among([
  ["arsen", -1, -1], ["commun", -1, -1], ["emerg", -1, -1], ["gener", -1, -1], ["inter", -1, -1],
  ["later", -1, -1], ["organ", -1, -1], ["past", -1, -1], ["univers", -1, -1],
]);
const A_1 = among([["'", -1, 1], ["'s'", 0, 1], ["'s", -1, 1]]);
const A_2 = among([["ied", -1, 2], ["s", -1, 3], ["ies", 1, 2], ["sses", 1, 1], ["ss", 1, -1], ["us", 1, -1]]);
const A_3 = among([["succ", -1, 1], ["proc", -1, 1], ["exc", -1, 1]]);
const A_4 = among([
  ["even", -1, 2], ["cann", -1, 2], ["inn", -1, 2], ["earr", -1, 2], ["herr", -1, 2], ["out", -1, 2], ["y", -1, 1],
]);
const A_5 = among([
  ["", -1, -1], ["ed", 0, 2], ["eed", 1, 1], ["ing", 0, 3], ["edly", 0, 2], ["eedly", 4, 1], ["ingly", 0, 2],
]);
const A_6 = among([
  ["", -1, 3], ["bb", 0, 2], ["dd", 0, 2], ["ff", 0, 2], ["gg", 0, 2], ["bl", 0, 1], ["mm", 0, 2],
  ["nn", 0, 2], ["pp", 0, 2], ["rr", 0, 2], ["at", 0, 1], ["tt", 0, 2], ["iz", 0, 1],
]);
const A_7 = among([
  ["anci", -1, 3], ["enci", -1, 2], ["ogi", -1, 14], ["li", -1, 16], ["bli", 3, 12], ["abli", 4, 4],
  ["alli", 3, 8], ["fulli", 3, 9], ["lessli", 3, 15], ["ousli", 3, 10], ["entli", 3, 5], ["aliti", -1, 8],
  ["biliti", -1, 12], ["iviti", -1, 11], ["tional", -1, 1], ["ational", 14, 7], ["alism", -1, 8],
  ["ation", -1, 7], ["ization", 17, 6], ["izer", -1, 6], ["ator", -1, 7], ["iveness", -1, 11],
  ["fulness", -1, 9], ["ousness", -1, 10], ["ogist", -1, 13],
]);
const A_8 = among([
  ["icate", -1, 4], ["ative", -1, 6], ["alize", -1, 3], ["iciti", -1, 4], ["ical", -1, 4],
  ["tional", -1, 1], ["ational", 5, 2], ["ful", -1, 5], ["ness", -1, 5],
]);
const A_9 = among([
  ["ic", -1, 1], ["ance", -1, 1], ["ence", -1, 1], ["able", -1, 1], ["ible", -1, 1], ["ate", -1, 1],
  ["ive", -1, 1], ["ize", -1, 1], ["iti", -1, 1], ["al", -1, 1], ["ism", -1, 1], ["ion", -1, 2],
  ["er", -1, 1], ["ous", -1, 1], ["ant", -1, 1], ["ent", -1, 1], ["ment", 15, 1], ["ement", 16, 1],
]);
const A_10 = among([["e", -1, 1], ["l", -1, 2]]);
const A_11 = among([
  ["andes", -1, -1], ["atlas", -1, -1], ["bias", -1, -1], ["cosmos", -1, -1], ["early", -1, 6],
  ["gently", -1, 4], ["howe", -1, -1], ["idly", -1, 3], ["news", -1, -1], ["only", -1, 7],
  ["singly", -1, 8], ["skies", -1, 2], ["skis", -1, 1], ["sky", -1, -1], ["ugly", -1, 5],
]);
const AS_11 = ["ski", "sky", "idl", "gentl", "ugli", "earli", "onli", "singl"];

/** The Snowball runtime: a string, a cursor, and the bra/ket slice marks. */
class BaseStemmer {
  protected current = "";
  protected cursor = 0;
  protected limit = 0;
  protected limitBackward = 0;
  protected bra = 0;
  protected ket = 0;

  protected setCurrent(value: string): void {
    this.current = value;
    this.cursor = 0;
    this.limit = value.length;
    this.limitBackward = 0;
    this.bra = 0;
    this.ket = this.limit;
  }

  protected inGrouping(s: string): boolean {
    if (this.cursor >= this.limit || !s.includes(this.current[this.cursor])) return false;
    this.cursor++;
    return true;
  }

  protected goInGrouping(s: string): boolean {
    while (this.cursor < this.limit) {
      if (!s.includes(this.current[this.cursor])) return true;
      this.cursor++;
    }
    return false;
  }

  protected inGroupingB(s: string): boolean {
    if (this.cursor <= this.limitBackward || !s.includes(this.current[this.cursor - 1])) return false;
    this.cursor--;
    return true;
  }

  protected goOutGrouping(s: string): boolean {
    while (this.cursor < this.limit) {
      if (s.includes(this.current[this.cursor])) return true;
      this.cursor++;
    }
    return false;
  }

  protected outGroupingB(s: string): boolean {
    if (this.cursor <= this.limitBackward || s.includes(this.current[this.cursor - 1])) return false;
    this.cursor--;
    return true;
  }

  protected goOutGroupingB(s: string): boolean {
    while (this.cursor > this.limitBackward) {
      if (s.includes(this.current[this.cursor - 1])) return true;
      this.cursor--;
    }
    return false;
  }

  protected eqSB(s: string): boolean {
    const start = this.cursor - s.length;
    if (start < this.limitBackward || this.current.slice(start, this.cursor) !== s) return false;
    this.cursor = start;
    return true;
  }

  protected findAmong(v: Among[]): number {
    let i = 0;
    let j = v.length;
    const c = this.cursor;
    const l = this.limit;
    let commonI = 0;
    let commonJ = 0;
    let firstKeyInspected = false;
    for (;;) {
      const k = i + ((j - i) >> 1);
      let diff = 0;
      let common = Math.min(commonI, commonJ);
      const w = v[k];
      for (let i2 = common; i2 < w.s.length; i2++) {
        if (c + common === l) {
          diff = -1;
          break;
        }
        diff = this.current.charCodeAt(c + common) - w.s.charCodeAt(i2);
        if (diff !== 0) break;
        common++;
      }
      if (diff < 0) {
        j = k;
        commonJ = common;
      } else {
        i = k;
        commonI = common;
      }
      if (j - i <= 1) {
        if (i > 0 || j === i || firstKeyInspected) break;
        firstKeyInspected = true;
      }
    }
    for (;;) {
      const w = v[i];
      if (commonI >= w.s.length) {
        this.cursor = c + w.s.length;
        return w.result;
      }
      i = w.substringI;
      if (i < 0) return 0;
    }
  }

  protected findAmongB(v: Among[]): number {
    let i = 0;
    let j = v.length;
    const c = this.cursor;
    const lb = this.limitBackward;
    let commonI = 0;
    let commonJ = 0;
    let firstKeyInspected = false;
    for (;;) {
      const k = i + ((j - i) >> 1);
      let diff = 0;
      let common = Math.min(commonI, commonJ);
      const w = v[k];
      for (let i2 = w.s.length - 1 - common; i2 >= 0; i2--) {
        if (c - common === lb) {
          diff = -1;
          break;
        }
        diff = this.current.charCodeAt(c - 1 - common) - w.s.charCodeAt(i2);
        if (diff !== 0) break;
        common++;
      }
      if (diff < 0) {
        j = k;
        commonJ = common;
      } else {
        i = k;
        commonI = common;
      }
      if (j - i <= 1) {
        if (i > 0 || j === i || firstKeyInspected) break;
        firstKeyInspected = true;
      }
    }
    for (;;) {
      const w = v[i];
      if (commonI >= w.s.length) {
        this.cursor = c - w.s.length;
        return w.result;
      }
      i = w.substringI;
      if (i < 0) return 0;
    }
  }

  protected sliceFrom(s: string): void {
    const adjustment = s.length - (this.ket - this.bra);
    this.current = this.current.slice(0, this.bra) + s + this.current.slice(this.ket);
    this.limit += adjustment;
    if (this.cursor >= this.ket) this.cursor += adjustment;
    else if (this.cursor > this.bra) this.cursor = this.bra;
    this.ket = this.bra + s.length;
  }

  protected sliceDel(): void {
    this.sliceFrom("");
  }
}

class EnglishStemmer extends BaseStemmer {
  private yFound = false;
  private p1 = 0;
  private p2 = 0;

  stem(word: string): string {
    this.setCurrent(word);
    this.run();
    return this.current;
  }

  private charAt(offset: number): string {
    return this.current[this.cursor + offset];
  }

  private prelude(): void {
    this.yFound = false;
    const v1 = this.cursor;
    this.bra = this.cursor;
    if (this.cursor !== this.limit && this.charAt(0) === "'") {
      this.cursor++;
      this.ket = this.cursor;
      this.sliceDel();
    }
    this.cursor = v1;
    this.bra = this.cursor;
    if (this.cursor !== this.limit && this.charAt(0) === "y") {
      this.cursor++;
      this.ket = this.cursor;
      this.sliceFrom("Y");
      this.yFound = true;
    }
    this.cursor = v1;
    outer: for (;;) {
      const v4 = this.cursor;
      for (;;) {
        const v5 = this.cursor;
        if (this.inGrouping(G_V)) {
          this.bra = this.cursor;
          if (this.cursor !== this.limit && this.charAt(0) === "y") {
            this.cursor++;
            this.ket = this.cursor;
            this.cursor = v5;
            break;
          }
        }
        this.cursor = v5;
        if (this.cursor >= this.limit) {
          this.cursor = v4;
          break outer;
        }
        this.cursor++;
      }
      this.sliceFrom("Y");
      this.yFound = true;
    }
    this.cursor = v1;
  }

  private markRegions(): void {
    this.p1 = this.limit;
    this.p2 = this.limit;
    const v1 = this.cursor;
    lab0: {
      const v2 = this.cursor;
      if (this.findAmong(A_0) === 0) {
        this.cursor = v2;
        if (!this.goOutGrouping(G_V)) break lab0;
        this.cursor++;
        if (!this.goInGrouping(G_V)) break lab0;
        this.cursor++;
      }
      this.p1 = this.cursor;
      if (!this.goOutGrouping(G_V)) break lab0;
      this.cursor++;
      if (!this.goInGrouping(G_V)) break lab0;
      this.cursor++;
      this.p2 = this.cursor;
    }
    this.cursor = v1;
  }

  private shortv(): boolean {
    const v1 = this.limit - this.cursor;
    if (this.outGroupingB(G_V_WXY) && this.inGroupingB(G_V) && this.outGroupingB(G_V)) return true;
    this.cursor = this.limit - v1;
    if (this.outGroupingB(G_V) && this.inGroupingB(G_V) && this.cursor <= this.limitBackward) return true;
    this.cursor = this.limit - v1;
    return this.eqSB("past");
  }

  private r1(): boolean {
    return this.p1 <= this.cursor;
  }

  private r2(): boolean {
    return this.p2 <= this.cursor;
  }

  private before(ch: string): boolean {
    return this.cursor > this.limitBackward && this.charAt(-1) === ch;
  }

  private step1a(): boolean {
    const v1 = this.limit - this.cursor;
    this.ket = this.cursor;
    if (this.findAmongB(A_1) === 0) {
      this.cursor = this.limit - v1;
    } else {
      this.bra = this.cursor;
      this.sliceDel();
    }
    this.ket = this.cursor;
    const amongVar = this.findAmongB(A_2);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (amongVar === 1) {
      this.sliceFrom("ss");
    } else if (amongVar === 2) {
      const v2 = this.limit - this.cursor;
      if (this.cursor - 2 >= this.limitBackward) {
        this.cursor -= 2;
        this.sliceFrom("i");
      } else {
        this.cursor = this.limit - v2;
        this.sliceFrom("ie");
      }
    } else if (amongVar === 3) {
      if (this.cursor <= this.limitBackward) return false;
      this.cursor--;
      if (!this.goOutGroupingB(G_V)) return false;
      this.cursor--;
      this.sliceDel();
    }
    return true;
  }

  /** The "-ed"/"-ing" branch of step 1b; false means "fall through to the removal". */
  private step1bKeep(amongVar: number): boolean {
    if (amongVar === 1) {
      const v2 = this.limit - this.cursor;
      if (this.r1()) {
        const v3 = this.limit - this.cursor;
        if (!(this.findAmongB(A_3) !== 0 && this.cursor <= this.limitBackward)) {
          this.cursor = this.limit - v3;
          this.sliceFrom("ee");
        }
      }
      this.cursor = this.limit - v2;
      return true;
    }
    if (amongVar === 2) return false;
    if (amongVar === 3) {
      const inner = this.findAmongB(A_4);
      if (inner === 0) return false;
      if (inner === 1) {
        const v4 = this.limit - this.cursor;
        if (!this.outGroupingB(G_V)) return false;
        if (this.cursor > this.limitBackward) return false;
        this.cursor = this.limit - v4;
        this.bra = this.cursor;
        this.sliceFrom("ie");
      } else if (this.cursor > this.limitBackward) {
        return false;
      }
    }
    return true;
  }

  private step1b(): boolean {
    this.ket = this.cursor;
    const amongVar = this.findAmongB(A_5);
    this.bra = this.cursor;
    const v1 = this.limit - this.cursor;
    if (this.step1bKeep(amongVar)) return true;
    this.cursor = this.limit - v1;
    const v5 = this.limit - this.cursor;
    if (!this.goOutGroupingB(G_V)) return false;
    this.cursor--;
    this.cursor = this.limit - v5;
    this.sliceDel();
    this.ket = this.cursor;
    this.bra = this.cursor;
    const v6 = this.limit - this.cursor;
    const ending = this.findAmongB(A_6);
    if (ending === 1) {
      this.sliceFrom("e");
      return false;
    } else if (ending === 2) {
      const v7 = this.limit - this.cursor;
      if (this.inGroupingB(G_AEO) && this.cursor <= this.limitBackward) return false;
      this.cursor = this.limit - v7;
    } else {
      if (this.cursor !== this.p1) return false;
      const v8 = this.limit - this.cursor;
      if (!this.shortv()) return false;
      this.cursor = this.limit - v8;
      this.sliceFrom("e");
      return false;
    }
    this.cursor = this.limit - v6;
    this.ket = this.cursor;
    if (this.cursor <= this.limitBackward) return false;
    this.cursor--;
    this.bra = this.cursor;
    this.sliceDel();
    return true;
  }

  private step1c(): boolean {
    this.ket = this.cursor;
    if (this.before("y") || this.before("Y")) this.cursor--;
    else return false;
    this.bra = this.cursor;
    if (!this.outGroupingB(G_V)) return false;
    if (this.cursor <= this.limitBackward) return false;
    this.sliceFrom("i");
    return true;
  }

  private step2(): boolean {
    this.ket = this.cursor;
    const amongVar = this.findAmongB(A_7);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (!this.r1()) return false;
    const replacement = [
      "", "tion", "ence", "ance", "able", "ent", "ize", "ate", "al", "ful", "ous", "ive", "ble", "og",
    ];
    if (amongVar <= 13) {
      this.sliceFrom(replacement[amongVar]);
    } else if (amongVar === 14) {
      if (!this.before("l")) return false;
      this.cursor--;
      this.sliceFrom("og");
    } else if (amongVar === 15) {
      this.sliceFrom("less");
    } else {
      if (!this.inGroupingB(G_VALID_LI)) return false;
      this.sliceDel();
    }
    return true;
  }

  private step3(): boolean {
    this.ket = this.cursor;
    const amongVar = this.findAmongB(A_8);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (!this.r1()) return false;
    if (amongVar <= 4) {
      this.sliceFrom(["", "tion", "ate", "al", "ic"][amongVar]);
    } else if (amongVar === 5) {
      this.sliceDel();
    } else {
      if (!this.r2()) return false;
      this.sliceDel();
    }
    return true;
  }

  private step4(): boolean {
    this.ket = this.cursor;
    const amongVar = this.findAmongB(A_9);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (!this.r2()) return false;
    if (amongVar === 1) {
      this.sliceDel();
    } else {
      if (!(this.before("s") || this.before("t"))) return false;
      this.cursor--;
      this.sliceDel();
    }
    return true;
  }

  private step5(): boolean {
    this.ket = this.cursor;
    const amongVar = this.findAmongB(A_10);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (amongVar === 1) {
      if (!this.r2()) {
        if (!this.r1()) return false;
        const v1 = this.limit - this.cursor;
        if (this.shortv()) return false;
        this.cursor = this.limit - v1;
      }
      this.sliceDel();
    } else {
      if (!this.r2()) return false;
      if (!this.before("l")) return false;
      this.cursor--;
      this.sliceDel();
    }
    return true;
  }

  private exception1(): boolean {
    this.bra = this.cursor;
    const amongVar = this.findAmong(A_11);
    if (amongVar === 0) return false;
    this.ket = this.cursor;
    if (this.cursor < this.limit) return false;
    if (amongVar > 0) this.sliceFrom(AS_11[amongVar - 1]);
    return true;
  }

  private postlude(): void {
    if (!this.yFound) return;
    for (;;) {
      const v1 = this.cursor;
      let found = false;
      for (;;) {
        const v2 = this.cursor;
        this.bra = this.cursor;
        if (this.cursor !== this.limit && this.charAt(0) === "Y") {
          this.cursor++;
          this.ket = this.cursor;
          this.cursor = v2;
          found = true;
          break;
        }
        this.cursor = v2;
        if (this.cursor >= this.limit) break;
        this.cursor++;
      }
      if (!found) {
        this.cursor = v1;
        return;
      }
      this.sliceFrom("y");
    }
  }

  private run(): void {
    const v1 = this.cursor;
    if (this.exception1()) return;
    this.cursor = v1;
    if (this.cursor + 3 > this.limit) return;
    this.prelude();
    this.markRegions();
    this.limitBackward = this.cursor;
    this.cursor = this.limit;
    const steps = [this.step1a, this.step1b, this.step1c, this.step2, this.step3, this.step4, this.step5];
    for (const step of steps) {
      const v = this.limit - this.cursor;
      step.call(this);
      this.cursor = this.limit - v;
    }
    this.cursor = this.limitBackward;
    this.postlude();
  }
}

/** Languages this side can stem; a site built with another one searches unstemmed (with a warning). */
export const STEM_LANGUAGES = ["english", "none"] as const;

/** A stemming function for `language`, or null when this side has no stemmer for it. */
export function createStemmer(language: string): ((word: string) => string) | null {
  if (language === "none") return (word) => word;
  if (language === "english") {
    const stemmer = new EnglishStemmer();
    return (word) => stemmer.stem(word);
  }
  return null;
}
