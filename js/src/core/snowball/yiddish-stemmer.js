// Generated from yiddish.sbl by Snowball 3.1.1 - https://snowballstem.org/

// deno-lint-ignore-file ban-unused-ignore no-constant-condition no-empty prefer-const

const a_0 = [
    ["\u05D5\u05D5", 1],
    ["\u05D5\u05D9", 2],
    ["\u05D9\u05D9", 3],
    ["\u05DA", 4],
    ["\u05DD", 5],
    ["\u05DF", 6],
    ["\u05E3", 7],
    ["\u05E5", 8]
];

const a_1 = [
    ["\u05D0\u05D3\u05D5\u05E8\u05DB", 1],
    ["\u05D0\u05D4\u05D9\u05E0", 1],
    ["\u05D0\u05D4\u05E2\u05E8", 1],
    ["\u05D0\u05D4\u05F2\u05DE", 1],
    ["\u05D0\u05D5\u05DE", 1],
    ["\u05D0\u05D5\u05E0\u05D8\u05E2\u05E8", 1],
    ["\u05D0\u05D9\u05D1\u05E2\u05E8", 1],
    ["\u05D0\u05E0", 1],
    ["\u05D0\u05E0\u05D8", 1, 1],
    ["\u05D0\u05E0\u05D8\u05E7\u05E2\u05D2\u05E0", 1, 1],
    ["\u05D0\u05E0\u05D9\u05D3\u05E2\u05E8", 1, 3],
    ["\u05D0\u05E4", 1],
    ["\u05D0\u05E4\u05D9\u05E8", 1, 1],
    ["\u05D0\u05E7\u05E2\u05D2\u05E0", 1],
    ["\u05D0\u05E8\u05D0\u05E4", 1],
    ["\u05D0\u05E8\u05D5\u05DE", 1],
    ["\u05D0\u05E8\u05D5\u05E0\u05D8\u05E2\u05E8", 1],
    ["\u05D0\u05E8\u05D9\u05D1\u05E2\u05E8", 1],
    ["\u05D0\u05E8\u05F1\u05E1", 1],
    ["\u05D0\u05E8\u05F1\u05E4", 1],
    ["\u05D0\u05E8\u05F2\u05E0", 1],
    ["\u05D0\u05F0\u05E2\u05E7", 1],
    ["\u05D0\u05F1\u05E1", 1],
    ["\u05D0\u05F1\u05E4", 1],
    ["\u05D0\u05F2\u05E0", 1],
    ["\u05D1\u05D0", 1],
    ["\u05D1\u05F2", 1],
    ["\u05D3\u05D5\u05E8\u05DB", 1],
    ["\u05D3\u05E2\u05E8", 1],
    ["\u05DE\u05D9\u05D8", 1],
    ["\u05E0\u05D0\u05DB", 1],
    ["\u05E4\u05D0\u05E8", 1],
    ["\u05E4\u05D0\u05E8\u05D1\u05F2", 1, 1],
    ["\u05E4\u05D0\u05E8\u05F1\u05E1", 1, 2],
    ["\u05E4\u05D5\u05E0\u05D0\u05E0\u05D3\u05E2\u05E8", 1],
    ["\u05E6\u05D5", 1],
    ["\u05E6\u05D5\u05D6\u05D0\u05DE\u05E2\u05E0", 1, 1],
    ["\u05E6\u05D5\u05E0\u05F1\u05E4", 1, 2],
    ["\u05E6\u05D5\u05E8\u05D9\u05E7", 1, 3],
    ["\u05E6\u05E2", 1]
];

const a_2 = [
    ["\u05D3\u05D6\u05E9", -1],
    ["\u05E9\u05D8\u05E8", -1],
    ["\u05E9\u05D8\u05E9", -1],
    ["\u05E9\u05E4\u05E8", -1]
];

const a_3 = [
    ["\u05E7\u05DC\u05D9\u05D1", 9],
    ["\u05E8\u05D9\u05D1", 10],
    ["\u05D8\u05E8\u05D9\u05D1", 7, 1],
    ["\u05E9\u05E8\u05D9\u05D1", 15, 2],
    ["\u05D4\u05F1\u05D1", 23],
    ["\u05E9\u05F0\u05D9\u05D2", 12],
    ["\u05D2\u05D0\u05E0\u05D2", 1],
    ["\u05D6\u05D5\u05E0\u05D2", 18],
    ["\u05E9\u05DC\u05D5\u05E0\u05D2", 21],
    ["\u05E6\u05F0\u05D5\u05E0\u05D2", 20],
    ["\u05D1\u05F1\u05D2", 22],
    ["\u05D1\u05D5\u05E0\u05D3", 16],
    ["\u05F0\u05D9\u05D6", 6],
    ["\u05D1\u05D9\u05D8", 4],
    ["\u05DC\u05D9\u05D8", 8],
    ["\u05DE\u05D9\u05D8", 3],
    ["\u05E9\u05E0\u05D9\u05D8", 14],
    ["\u05E0\u05D5\u05DE", 2],
    ["\u05E9\u05D8\u05D0\u05E0", 25],
    ["\u05D1\u05D9\u05E1", 5],
    ["\u05E9\u05DE\u05D9\u05E1", 13],
    ["\u05E8\u05D9\u05E1", 11],
    ["\u05D8\u05E8\u05D5\u05E0\u05E7", 19],
    ["\u05E4\u05D0\u05E8\u05DC\u05F1\u05E8", 24],
    ["\u05E9\u05F0\u05F1\u05E8", 26],
    ["\u05F0\u05D5\u05D8\u05E9", 17]
];

const /** Array<string> */ as_3 = ["\u05D2\u05F2", "\u05E0\u05E2\u05DE", "\u05DE\u05F2\u05D3", "\u05D1\u05F2\u05D8", "\u05D1\u05F2\u05E1", "\u05F0\u05F2\u05D6", "\u05D8\u05E8\u05F2\u05D1", "\u05DC\u05F2\u05D8", "\u05E7\u05DC\u05F2\u05D1", "\u05E8\u05F2\u05D1", "\u05E8\u05F2\u05E1", "\u05E9\u05F0\u05F2\u05D2", "\u05E9\u05DE\u05F2\u05E1", "\u05E9\u05E0\u05F2\u05D3", "\u05E9\u05E8\u05F2\u05D1", "\u05D1\u05D9\u05E0\u05D3", "\u05F0\u05D9\u05D8\u05E9", "\u05D6\u05D9\u05E0\u05D2", "\u05D8\u05E8\u05D9\u05E0\u05E7", "\u05E6\u05F0\u05D9\u05E0\u05D2", "\u05E9\u05DC\u05D9\u05E0\u05D2", "\u05D1\u05F2\u05D2", "\u05D4\u05F2\u05D1", "\u05E4\u05D0\u05E8\u05DC\u05D9\u05E8", "\u05E9\u05D8\u05F2", "\u05E9\u05F0\u05E2\u05E8"];

const a_4 = [
    ["\u05D5\u05E0\u05D2", 1],
    ["\u05E1\u05D8\u05D5", 1],
    ["\u05D8", 1],
    ["\u05D1\u05E8\u05D0\u05DB\u05D8", 31, 1],
    ["\u05E1\u05D8", 1, 2],
    ["\u05D9\u05E1\u05D8", 33, 1],
    ["\u05E2\u05D8", 1, 4],
    ["\u05E9\u05D0\u05E4\u05D8", 1, 5],
    ["\u05D4\u05F2\u05D8", 1, 6],
    ["\u05E7\u05F2\u05D8", 1, 7],
    ["\u05D9\u05E7\u05F2\u05D8", 1, 1],
    ["\u05DC\u05E2\u05DB", 1],
    ["\u05E2\u05DC\u05E2\u05DB", 1, 1],
    ["\u05D9\u05D6\u05DE", 1],
    ["\u05D9\u05DE", 1],
    ["\u05E2\u05DE", 1],
    ["\u05E2\u05E0\u05E2\u05DE", 3, 1],
    ["\u05D8\u05E2\u05E0\u05E2\u05DE", 4, 1],
    ["\u05E0", 1],
    ["\u05E7\u05DC\u05D9\u05D1\u05E0", 14, 1],
    ["\u05E8\u05D9\u05D1\u05E0", 15, 2],
    ["\u05D8\u05E8\u05D9\u05D1\u05E0", 12, 1],
    ["\u05E9\u05E8\u05D9\u05D1\u05E0", 7, 2],
    ["\u05D4\u05F1\u05D1\u05E0", 27, 5],
    ["\u05E9\u05F0\u05D9\u05D2\u05E0", 17, 6],
    ["\u05D6\u05D5\u05E0\u05D2\u05E0", 22, 7],
    ["\u05E9\u05DC\u05D5\u05E0\u05D2\u05E0", 25, 8],
    ["\u05E6\u05F0\u05D5\u05E0\u05D2\u05E0", 24, 9],
    ["\u05D1\u05F1\u05D2\u05E0", 26, 10],
    ["\u05D1\u05D5\u05E0\u05D3\u05E0", 20, 11],
    ["\u05F0\u05D9\u05D6\u05E0", 11, 12],
    ["\u05D8\u05E0", 4, 13],
    ["GE\u05D1\u05D9\u05D8\u05E0", 9, 1],
    ["GE\u05DC\u05D9\u05D8\u05E0", 13, 2],
    ["GE\u05DE\u05D9\u05D8\u05E0", 8, 3],
    ["\u05E9\u05E0\u05D9\u05D8\u05E0", 19, 4],
    ["\u05E1\u05D8\u05E0", 1, 5],
    ["\u05D9\u05E1\u05D8\u05E0", 1, 1],
    ["\u05E2\u05D8\u05E0", 1, 7],
    ["GE\u05D1\u05D9\u05E1\u05E0", 10, 21],
    ["\u05E9\u05DE\u05D9\u05E1\u05E0", 18, 22],
    ["GE\u05E8\u05D9\u05E1\u05E0", 16, 23],
    ["\u05E2\u05E0", 1, 24],
    ["\u05D2\u05D0\u05E0\u05D2\u05E2\u05E0", 5, 1],
    ["\u05E2\u05DC\u05E2\u05E0", 1, 2],
    ["\u05E0\u05D5\u05DE\u05E2\u05E0", 6, 3],
    ["\u05D9\u05D6\u05DE\u05E2\u05E0", 1, 4],
    ["\u05E9\u05D8\u05D0\u05E0\u05E2\u05E0", 29, 5],
    ["\u05D8\u05E8\u05D5\u05E0\u05E7\u05E0", 23, 30],
    ["\u05E4\u05D0\u05E8\u05DC\u05F1\u05E8\u05E0", 28, 31],
    ["\u05E9\u05F0\u05F1\u05E8\u05E0", 30, 32],
    ["\u05F0\u05D5\u05D8\u05E9\u05E0", 21, 33],
    ["\u05D2\u05F2\u05E0", 5, 34],
    ["\u05E1", 1],
    ["\u05D8\u05E1", 4, 1],
    ["\u05E2\u05D8\u05E1", 1, 1],
    ["\u05E0\u05E1", 1, 3],
    ["\u05D8\u05E0\u05E1", 4, 1],
    ["\u05E2\u05E0\u05E1", 3, 2],
    ["\u05E2\u05E1", 1, 6],
    ["\u05D9\u05E2\u05E1", 2, 1],
    ["\u05E2\u05DC\u05E2\u05E1", 1, 2],
    ["\u05E2\u05E8\u05E1", 1, 9],
    ["\u05E2\u05E0\u05E2\u05E8\u05E1", 1, 1],
    ["\u05E2", 1],
    ["\u05D8\u05E2", 4, 1],
    ["\u05E1\u05D8\u05E2", 1, 1],
    ["\u05E2\u05D8\u05E2", 1, 2],
    ["\u05D9\u05E2", -1, 4],
    ["\u05E2\u05DC\u05E2", 1, 5],
    ["\u05E2\u05E0\u05E2", 3, 6],
    ["\u05D8\u05E2\u05E0\u05E2", 4, 1],
    ["\u05E2\u05E8", 1],
    ["\u05D8\u05E2\u05E8", 4, 1],
    ["\u05E1\u05D8\u05E2\u05E8", 1, 1],
    ["\u05E2\u05D8\u05E2\u05E8", 1, 2],
    ["\u05E2\u05E0\u05E2\u05E8", 3, 4],
    ["\u05D8\u05E2\u05E0\u05E2\u05E8", 4, 1],
    ["\u05D5\u05EA", 32]
];

const a_5 = [
    ["\u05D5\u05E0\u05D2", 1],
    ["\u05E9\u05D0\u05E4\u05D8", 1],
    ["\u05D4\u05F2\u05D8", 1],
    ["\u05E7\u05F2\u05D8", 1],
    ["\u05D9\u05E7\u05F2\u05D8", 1, 1],
    ["\u05DC", 2]
];

const a_6 = [
    ["\u05D9\u05D2", 1],
    ["\u05D9\u05E7", 1],
    ["\u05D3\u05D9\u05E7", 1, 1],
    ["\u05E0\u05D3\u05D9\u05E7", 1, 1],
    ["\u05E2\u05E0\u05D3\u05D9\u05E7", 1, 1],
    ["\u05D1\u05DC\u05D9\u05E7", -1, 4],
    ["\u05D2\u05DC\u05D9\u05E7", -1, 5],
    ["\u05E0\u05D9\u05E7", 1, 6],
    ["\u05D9\u05E9", 1]
];

const /** Array<number> */ g_niked = [255, 155, 6];

const /** Array<number> */ g_vowel = [33, 2, 4, 0, 6];

const /** Array<number> */ g_consonant = [239, 254, 253, 131];

import B from './base-stemmer.js'

export default class extends B {

    #I_p1/** number */ = 0;


    /** @return {boolean} */
    #r_prelude() {
        let /** number */ a;
        const /** number */ v_1 = this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            while (true) {
                const /** number */ v_2 = this.c;
                // deno-lint-ignore no-unused-labels
                lab1: {
                    // deno-lint-ignore no-unused-labels
                    golab2: while (true)
                    {
                        const /** number */ v_3 = this.c;
                        // deno-lint-ignore no-unused-labels
                        lab3: {
                            this.bra = this.c;
                            a = this.find_among(a_0);
                            if (a === 0) break lab3;
                            this.ket = this.c;
                            switch (a) {
                                case 1: {
                                    // deno-lint-ignore no-unused-labels
                                    lab4: {
                                        if (!(this.eq_s("\u05BC"))) break lab4;
                                        break lab3;
                                    }
                                    this.slice_from("\u05F0");
                                    break;
                                }
                                case 2: {
                                    // deno-lint-ignore no-unused-labels
                                    lab5: {
                                        if (!(this.eq_s("\u05B4"))) break lab5;
                                        break lab3;
                                    }
                                    this.slice_from("\u05F1");
                                    break;
                                }
                                case 3: {
                                    // deno-lint-ignore no-unused-labels
                                    lab6: {
                                        if (!(this.eq_s("\u05B4"))) break lab6;
                                        break lab3;
                                    }
                                    this.slice_from("\u05F2");
                                    break;
                                }
                                case 4: {
                                    this.slice_from("\u05DB");
                                    break;
                                }
                                case 5: {
                                    this.slice_from("\u05DE");
                                    break;
                                }
                                case 6: {
                                    this.slice_from("\u05E0");
                                    break;
                                }
                                case 7: {
                                    this.slice_from("\u05E4");
                                    break;
                                }
                                case 8: {
                                    this.slice_from("\u05E6");
                                    break;
                                }
                            }
                            this.c = v_3;
                            break golab2;
                        }
                        this.c = v_3;
                        if (this.c >= this.limit) break lab1;
                        this.c++;
                    }
                    continue;
                }
                this.c = v_2;
                break;
            }
        }
        this.c = v_1;
        const /** number */ v_4 = this.c;
        // deno-lint-ignore no-unused-labels
        lab7: {
            while (true) {
                const /** number */ v_5 = this.c;
                // deno-lint-ignore no-unused-labels
                lab8: {
                    // deno-lint-ignore no-unused-labels
                    golab9: while (true)
                    {
                        const /** number */ v_6 = this.c;
                        // deno-lint-ignore no-unused-labels
                        lab10: {
                            this.bra = this.c;
                            if (!(this.in_grouping(g_niked, 1456, 1474))) break lab10;
                            this.ket = this.c;
                            this.slice_del();
                            this.c = v_6;
                            break golab9;
                        }
                        this.c = v_6;
                        if (this.c >= this.limit) break lab8;
                        this.c++;
                    }
                    continue;
                }
                this.c = v_5;
                break;
            }
        }
        this.c = v_4;
        return true;
    }

    /** @return {boolean} */
    #r_mark_regions() {
        let /** number */ I_x;
        this.#I_p1 = this.limit;
        const /** number */ v_1 = this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            this.bra = this.c;
            if (!(this.eq_s("\u05D2\u05E2"))) {
                this.c = v_1;
                break lab0;
            }
            this.ket = this.c;
            {
                const /** number */ v_2 = this.c;
                // deno-lint-ignore no-unused-labels
                lab1: {
                    // deno-lint-ignore no-unused-labels
                    lab2: {
                        // deno-lint-ignore no-unused-labels
                        lab3: {
                            if (!(this.eq_s("\u05DC\u05D8"))) break lab3;
                            break lab2;
                        }
                        // deno-lint-ignore no-unused-labels
                        lab4: {
                            if (!(this.eq_s("\u05D1\u05E0"))) break lab4;
                            break lab2;
                        }
                        if (this.c < this.limit) break lab1;
                    }
                    this.c = v_1;
                    break lab0;
                }
                this.c = v_2;
            }
            this.slice_from("GE");
        }
        const /** number */ v_3 = this.c;
        // deno-lint-ignore no-unused-labels
        lab5: {
            if (this.find_among(a_1) === 0) {
                this.c = v_3;
                break lab5;
            }
            // deno-lint-ignore no-unused-labels
            lab6: {
                const /** number */ v_4 = this.c;
                // deno-lint-ignore no-unused-labels
                lab7: {
                    const /** number */ v_5 = this.c;
                    // deno-lint-ignore no-unused-labels
                    lab8: {
                        // deno-lint-ignore no-unused-labels
                        lab9: {
                            if (!(this.eq_s("\u05E6\u05D5\u05D2\u05E0"))) break lab9;
                            break lab8;
                        }
                        // deno-lint-ignore no-unused-labels
                        lab10: {
                            if (!(this.eq_s("\u05E6\u05D5\u05E7\u05D8"))) break lab10;
                            break lab8;
                        }
                        if (!(this.eq_s("\u05E6\u05D5\u05E7\u05E0"))) break lab7;
                    }
                    if (this.c < this.limit) break lab7;
                    this.c = v_5;
                    break lab6;
                }
                this.c = v_4;
                // deno-lint-ignore no-unused-labels
                lab11: {
                    const /** number */ v_6 = this.c;
                    if (!(this.eq_s("\u05D2\u05E2\u05D1\u05E0"))) break lab11;
                    this.c = v_6;
                    break lab6;
                }
                this.c = v_4;
                // deno-lint-ignore no-unused-labels
                lab12: {
                    this.bra = this.c;
                    if (!(this.eq_s("\u05D2\u05E2"))) break lab12;
                    this.ket = this.c;
                    this.slice_from("GE");
                    break lab6;
                }
                this.c = v_4;
                this.bra = this.c;
                if (!(this.eq_s("\u05E6\u05D5"))) {
                    this.c = v_3;
                    break lab5;
                }
                this.ket = this.c;
                this.slice_from("TSU");
            }
        }
        const /** number */ v_7 = this.c;
        if (this.c + 3 > this.limit) return false;
        this.c += 3;
        I_x = this.c;
        this.c = v_7;
        const /** number */ v_8 = this.c;
        // deno-lint-ignore no-unused-labels
        lab13: {
            if (this.find_among(a_2) === 0) {
                this.c = v_8;
                break lab13;
            }
        }
        {
            const /** number */ v_9 = this.c;
            // deno-lint-ignore no-unused-labels
            lab14: {
                if (!(this.in_grouping(g_consonant, 1489, 1520))) break lab14;
                if (!(this.in_grouping(g_consonant, 1489, 1520))) break lab14;
                if (!(this.in_grouping(g_consonant, 1489, 1520))) break lab14;
                this.#I_p1 = this.c;
                return false;
            }
            this.c = v_9;
        }
        if (!this.go_out_grouping(g_vowel, 1488, 1522)) return false;
        this.c++;
        if (!this.go_in_grouping(g_vowel, 1488, 1522)) return false;
        this.#I_p1 = this.c;
        // deno-lint-ignore no-unused-labels
        lab15: {
            if (this.#I_p1 >= I_x) break lab15;
            this.#I_p1 = I_x;
        }
        return true;
    }

    /** @return {boolean} */
    #r_R1() {
        return this.#I_p1 <= this.c;
    }

    /** @return {boolean} */
    #r_standard_suffix() {
        let /** number */ a;
        const /** number */ v_1 = this.limit - this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            this.ket = this.c;
            a = this.find_among_b(a_4);
            if (a === 0) break lab0;
            this.bra = this.c;
            switch (a) {
                case 1: {
                    if (!this.#r_R1()) break lab0;
                    this.slice_del();
                    break;
                }
                case 2: {
                    if (!this.#r_R1()) break lab0;
                    this.slice_from("\u05D9\u05E2");
                    break;
                }
                case 3: {
                    if (!this.#r_R1()) break lab0;
                    this.slice_del();
                    this.ket = this.c;
                    a = this.find_among_b(a_3);
                    if (a === 0) break lab0;
                    this.bra = this.c;
                    this.slice_from(as_3[a - 1]);
                    break;
                }
                case 4: {
                    // deno-lint-ignore no-unused-labels
                    lab1: {
                        const /** number */ v_2 = this.limit - this.c;
                        // deno-lint-ignore no-unused-labels
                        lab2: {
                            if (!this.#r_R1()) break lab2;
                            this.slice_del();
                            break lab1;
                        }
                        this.c = this.limit - v_2;
                        this.slice_from("\u05D8");
                    }
                    this.ket = this.c;
                    if (!(this.eq_s_b("\u05D1\u05E8\u05D0\u05DB"))) break lab0;
                    const /** number */ v_3 = this.limit - this.c;
                    // deno-lint-ignore no-unused-labels
                    lab3: {
                        if (!(this.eq_s_b("\u05D2\u05E2"))) {
                            this.c = this.limit - v_3;
                            break lab3;
                        }
                    }
                    this.bra = this.c;
                    this.slice_from("\u05D1\u05E8\u05E2\u05E0\u05D2");
                    break;
                }
                case 5: {
                    this.slice_from("\u05D2\u05F2");
                    break;
                }
                case 6: {
                    this.slice_from("\u05E0\u05E2\u05DE");
                    break;
                }
                case 7: {
                    this.slice_from("\u05E9\u05E8\u05F2\u05D1");
                    break;
                }
                case 8: {
                    this.slice_from("\u05DE\u05F2\u05D3");
                    break;
                }
                case 9: {
                    this.slice_from("\u05D1\u05F2\u05D8");
                    break;
                }
                case 10: {
                    this.slice_from("\u05D1\u05F2\u05E1");
                    break;
                }
                case 11: {
                    this.slice_from("\u05F0\u05F2\u05D6");
                    break;
                }
                case 12: {
                    this.slice_from("\u05D8\u05E8\u05F2\u05D1");
                    break;
                }
                case 13: {
                    this.slice_from("\u05DC\u05F2\u05D8");
                    break;
                }
                case 14: {
                    this.slice_from("\u05E7\u05DC\u05F2\u05D1");
                    break;
                }
                case 15: {
                    this.slice_from("\u05E8\u05F2\u05D1");
                    break;
                }
                case 16: {
                    this.slice_from("\u05E8\u05F2\u05E1");
                    break;
                }
                case 17: {
                    this.slice_from("\u05E9\u05F0\u05F2\u05D2");
                    break;
                }
                case 18: {
                    this.slice_from("\u05E9\u05DE\u05F2\u05E1");
                    break;
                }
                case 19: {
                    this.slice_from("\u05E9\u05E0\u05F2\u05D3");
                    break;
                }
                case 20: {
                    this.slice_from("\u05D1\u05D9\u05E0\u05D3");
                    break;
                }
                case 21: {
                    this.slice_from("\u05F0\u05D9\u05D8\u05E9");
                    break;
                }
                case 22: {
                    this.slice_from("\u05D6\u05D9\u05E0\u05D2");
                    break;
                }
                case 23: {
                    this.slice_from("\u05D8\u05E8\u05D9\u05E0\u05E7");
                    break;
                }
                case 24: {
                    this.slice_from("\u05E6\u05F0\u05D9\u05E0\u05D2");
                    break;
                }
                case 25: {
                    this.slice_from("\u05E9\u05DC\u05D9\u05E0\u05D2");
                    break;
                }
                case 26: {
                    this.slice_from("\u05D1\u05F2\u05D2");
                    break;
                }
                case 27: {
                    this.slice_from("\u05D4\u05F2\u05D1");
                    break;
                }
                case 28: {
                    this.slice_from("\u05E4\u05D0\u05E8\u05DC\u05D9\u05E8");
                    break;
                }
                case 29: {
                    this.slice_from("\u05E9\u05D8\u05F2");
                    break;
                }
                case 30: {
                    this.slice_from("\u05E9\u05F0\u05E2\u05E8");
                    break;
                }
                case 31: {
                    this.slice_from("\u05D1\u05E8\u05E2\u05E0\u05D2");
                    break;
                }
                case 32: {
                    if (!this.#r_R1()) break lab0;
                    this.slice_from("\u05D4");
                    break;
                }
                case 33: {
                    // deno-lint-ignore no-unused-labels
                    lab4: {
                        const /** number */ v_4 = this.limit - this.c;
                        // deno-lint-ignore no-unused-labels
                        lab5: {
                            // deno-lint-ignore no-unused-labels
                            lab6: {
                                // deno-lint-ignore no-unused-labels
                                lab7: {
                                    if (!(this.eq_s_b("\u05D2"))) break lab7;
                                    break lab6;
                                }
                                if (!(this.eq_s_b("\u05E9"))) break lab5;
                            }
                            const /** number */ v_5 = this.limit - this.c;
                            // deno-lint-ignore no-unused-labels
                            lab8: {
                                if (this.#I_p1 > (this.c + 3)) {
                                    this.c = this.limit - v_5;
                                    break lab8;
                                }
                                this.slice_from("\u05D9\u05E1");
                            }
                            break lab4;
                        }
                        this.c = this.limit - v_4;
                        if (!this.#r_R1()) break lab0;
                        this.slice_del();
                    }
                    break;
                }
            }
        }
        this.c = this.limit - v_1;
        const /** number */ v_6 = this.limit - this.c;
        // deno-lint-ignore no-unused-labels
        lab9: {
            this.ket = this.c;
            a = this.find_among_b(a_5);
            if (a === 0) break lab9;
            this.bra = this.c;
            switch (a) {
                case 1: {
                    if (!this.#r_R1()) break lab9;
                    this.slice_del();
                    break;
                }
                case 2: {
                    if (!this.#r_R1()) break lab9;
                    if (!(this.in_grouping_b(g_consonant, 1489, 1520))) break lab9;
                    this.slice_del();
                    break;
                }
            }
        }
        this.c = this.limit - v_6;
        const /** number */ v_7 = this.limit - this.c;
        // deno-lint-ignore no-unused-labels
        lab10: {
            this.ket = this.c;
            a = this.find_among_b(a_6);
            if (a === 0) break lab10;
            this.bra = this.c;
            switch (a) {
                case 1: {
                    if (!this.#r_R1()) break lab10;
                    this.slice_del();
                    break;
                }
            }
        }
        this.c = this.limit - v_7;
        const /** number */ v_8 = this.limit - this.c;
        // deno-lint-ignore no-unused-labels
        lab11: {
            while (true) {
                const /** number */ v_9 = this.limit - this.c;
                // deno-lint-ignore no-unused-labels
                lab12: {
                    // deno-lint-ignore no-unused-labels
                    golab13: while (true)
                    {
                        const /** number */ v_10 = this.limit - this.c;
                        // deno-lint-ignore no-unused-labels
                        lab14: {
                            this.ket = this.c;
                            // deno-lint-ignore no-unused-labels
                            lab15: {
                                // deno-lint-ignore no-unused-labels
                                lab16: {
                                    if (!(this.eq_s_b("GE"))) break lab16;
                                    break lab15;
                                }
                                if (!(this.eq_s_b("TSU"))) break lab14;
                            }
                            this.bra = this.c;
                            this.slice_del();
                            this.c = this.limit - v_10;
                            break golab13;
                        }
                        this.c = this.limit - v_10;
                        if (this.c <= this.limit_backward) break lab12;
                        this.c--;
                    }
                    continue;
                }
                this.c = this.limit - v_9;
                break;
            }
        }
        this.c = this.limit - v_8;
        return true;
    }

    /** @return {boolean} */
    #stem() {
        this.#r_prelude();
        const /** number */ v_1 = this.c;
        this.#r_mark_regions();
        this.c = v_1;
        this.limit_backward = this.c; this.c = this.limit;
        this.#r_standard_suffix();
        this.c = this.limit_backward;
        return true;
    }

    /**@return{string}*/
    stem(/**string*/input) {
        this.setCurrent(input);
        this.#stem();
        return this.getCurrent();
    }

    stemWord = this.stem;
}

