/**
 * Run inside a scratch namespace (live-read-host-conf.int.test.ts): prints
 * newNamespaceConf() as JSON, sets the namespace's default rp_filter to the
 * value given, and prints it again, as two lines.
 */
import { writeFileSync } from 'node:fs';
import { newNamespaceConf } from '../live-read';

const to = process.argv[2];
if (!/^[0-2]$/.test(to ?? '')) throw new Error('usage: host-conf-probe.ts 0|1|2');
console.log(JSON.stringify(newNamespaceConf()));
writeFileSync('/proc/sys/net/ipv4/conf/default/rp_filter', to);
console.log(JSON.stringify(newNamespaceConf()));
