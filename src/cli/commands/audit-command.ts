import { Command } from 'commander';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { statusLine } from '../progress.js';
import { withHub } from '../with-hub.js';

const verifyCommand = new Command('verify')
  .description("check the audit log's hash chain from the first record to the last; exit code 1 names the first broken link")
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    const status = await withHub(async (hub) => {
      const line = statusLine();
      return verifyAuditChain(hub.db, (records) => line.show(`audit verify: ${records.toLocaleString('en')} records checked`)).finally(line.done);
    });
    if (options.json) console.log(JSON.stringify(status));
    else if (status.intact) console.log(`audit log intact: ${status.records} records, every link holds`);
    else console.log(`audit log BROKEN at record ${status.firstBrokenSequence}: ${status.reason} (${status.records} records before it hold)`);
    if (!status.intact) process.exitCode = 1;
  });

export const auditCommand = new Command('audit').description('the audit log of sensitive reads').addCommand(verifyCommand);
