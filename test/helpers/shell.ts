/**
 * Finds `tokenspend …` command lines in documentation and splits them into arguments as a POSIX
 * shell would (quotes, backslash continuations, comments), stopping at the first operator
 * (`|`, `>`, `&&`, `;`, `)`…). Variables become a placeholder value.
 */

/** Every `tokenspend` (or `npx tokenspend`) command in `text`, continuation lines joined. */
export function tokenspendCommands(text: string): string[] {
  const joined = text.replace(/\\\r?\n[ \t]*/g, ' ');
  const out: string[] = [];
  for (const line of joined.split('\n')) {
    // At a command position: line start, after `run:`, a YAML `- `, a prompt `$ `, `&&`, `||`, `;`, `|`, `$(`.
    const re = /(?:^\s*|^\s*-\s+|^\s*\$\s+|[;|&]\s*|\$\(\s*|run:\s*)(?:npx\s+)?tokenspend(?=\s)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const start = m.index + m[0].indexOf('tokenspend');
      out.push(line.slice(start));
    }
  }
  return out;
}

const VARIABLE = /^\$(\{\{[^}]*\}\}|\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|\d)/;

/** Shell words of one command, up to the first operator or comment; the first word is `tokenspend`. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < command.length) {
    const c = command[i] as string;
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (word === undefined && c === '#') break;
    else if (/[|&;<>()]/.test(c) || (/\d/.test(c) && word === undefined && command[i + 1] === '>')) break;
    else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? command.length : end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < command.length && command[j] !== '"'; j++) {
        const v = VARIABLE.exec(command.slice(j));
        if (command[j] === '\\' && j + 1 < command.length) s += command[++j];
        else if (v) {
          s += 'VALUE';
          j += v[0].length - 1;
        } else s += command[j];
      }
      word = (word ?? '') + s;
      i = j + 1;
    } else if (c === '\\') {
      word = (word ?? '') + (command[i + 1] ?? '');
      i += 2;
    } else {
      const v = VARIABLE.exec(command.slice(i));
      if (v) {
        word = `${word ?? ''}VALUE`;
        i += v[0].length;
      } else {
        word = (word ?? '') + c;
        i++;
      }
    }
  }
  push();
  return words;
}
