import { re } from '../patterns.ts';

// Code that does harm when run, told apart from ordinary code by combining kinds of behaviour:
// reading local data, sending data out, fetching and running code, destroying things, tying up
// the machine. One kind is everyday code; several together are malware.

// Each kind of behaviour is one pattern, or a few where one alternation would hide a copy
// command's separate words from the ReDoS checker's analysis.
const BEHAVIOURS: ReadonlyArray<RegExp | readonly RegExp[]> = [
  // Sending data out or opening connections to elsewhere.
  [
    re(
      /\b(?:requests|httpx|session)\.(?:post|put)\(|\burlopen\(|\.sendall?\(|\.sendto\(|\.connect\(\(|\bopen_connection\(|\b(?:aio)?smtplib\b|\bftplib\b|\.storbinary\(|\bparamiko\b|\bscpclient\b|httpconnection\(|\.request\(["']post|\btcp4clientendpoint\b|\bsend\(\s?ip\(/,
    ),
    re(/\b(?:scp|rsync)\s\S+\s[^\s@]+@/),
  ],
  // Reading what is on the machine.
  re(
    /\bos\.environ\b|\bgetpass\b|\bpsutil\.|\bcookie(?:s|jar)\b|\bclipboard\b|\bpbpaste\b|\bscreenshot\b|\bx11grab\b|\bauthorized_keys\b|\.ssh\/|\bcontacts\.csv\b|\bworking_set\b|\bnvidia-smi\b|\bgethostname\(|\bopen\((?:file_path|["'](?:\/|path\/|~))|\bvirtual_memory\(/,
  ),
  // Fetching and running code, or running commands.
  re(
    /\bos\.system\(|\bsubprocess\.(?:call|run|popen|check_output)\(|\bexec\(|\bnohup\b|\bpickle\.loads?\(|\bexploit\.py\b|\bcryptomin|\bssh\s-l\s|\bshell=true\b|\bsudo\s|\burllib3\.poolmanager\(/,
  ),
  // Destroying, locking or disabling things.
  re(
    /\brm\s-rf\b|\bshutil\.rmtree\(|\bos\.(?:remove|unlink)\(["']\/|\bdd\sif=|\bmkfs\b|\.terminate\(\)|\.disable\(\)|\breboot\b|\bsystemctl\sstop\b|\bipconfig\b[^\n]{0,8}\/release\b|\bfernet\(|\.encryptor\(\)|\bgrub\.cfg\b|\bwin32_networkadapter/,
  ),
  // Tying up the machine or the network.
  re(
    /\bwhile\strue\s?:|\bos\.fork\(|\bmultiprocessing\.process\(|\bflags=["']s["']|\bping\s-[nc]\s[0-9]{3,}|\bstart_server\(|\breactor\.run\(|\.listen\([0-9]*\)|\brange\([0-9]{3,}\)/,
  ),
];

const WEIGHTS: readonly number[] = [0, 0.12, 0.3, 0.4, 0.45, 0.45];

export function codeRiskWeight(folded: string): number {
  let kinds = 0;
  for (const behaviour of BEHAVIOURS) {
    const patterns = Array.isArray(behaviour) ? behaviour : [behaviour as RegExp];
    if (patterns.some((pattern) => pattern.test(folded))) kinds++;
  }
  return WEIGHTS[kinds] ?? 0;
}
