#!/usr/bin/env node
/**
 * `ll-network up | down | status | upgrade`: the real Fabric network of the provinces on this machine.
 * Run through the root package's scripts: npm run network:up / network:down / network:status / network:upgrade.
 */
import { existsSync } from 'node:fs';
import { LicenceError } from '@licence-ledger/domain';
import { runLayout } from './layout';
import { Network, installFabric } from './network';
import { NETWORK_VARIABLES, loadSettings } from './settings';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const USAGE = `Usage: ll-network <command>

Commands:
  up        bring the network up, or bring back whatever of it stopped (idempotent): Fabric binaries, crypto
            material, orderers, channel, peers, the chaincode deployed as a service; ends with each peer's
            height and the chaincode's version
  down      stop every process the network started (by PID) and delete the ledgers; crypto and logs are kept
            (--keep-ledgers stops the processes only)
  status    each orderer and peer reachable, heights, the chaincode committed with its sequence, chaincode
            servers alive; exit 1 when anything is down
  upgrade   deploy the chaincode again at the next sequence (new servers start before the old ones stop)

Environment:
${NETWORK_VARIABLES.map(([k, v]) => `  ${k.padEnd(28)} ${v}`).join('\n')}
`;

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command === undefined ? 1 : 0;
  }
  const settings = loadSettings();
  const log = (line: string) => err(line);
  switch (command) {
    case 'up': {
      const home = await installFabric(log);
      const network = new Network(settings.topology, settings.runRoot, home, log);
      log(
        `network ${settings.topology.name} in ${settings.runRoot} (base port ${settings.topology.basePort})`,
      );
      await network.up();
      return 0;
    }
    case 'down': {
      const network = existsSync(runLayout(settings.runRoot).stateFile)
        ? Network.open(settings.runRoot, log)
        : new Network(settings.topology, settings.runRoot, '', log);
      const keep = argv.includes('--keep-ledgers');
      const report = await network.down({ removeLedgers: !keep });
      for (const line of report) out(`stopped ${line}`);
      out(report.length === 0 ? 'nothing was running' : `stopped ${report.length} processes`);
      out(keep ? 'ledgers kept' : `ledgers removed from ${network.layout.nodesDir}`);
      return 0;
    }
    case 'status': {
      if (!existsSync(runLayout(settings.runRoot).stateFile)) {
        out(`no network in ${settings.runRoot} (npm run network:up starts one)`);
        return 1;
      }
      const network = Network.open(settings.runRoot, log);
      const { ok, lines } = await network.status();
      for (const line of lines) out(line);
      out(ok ? 'network: up' : 'network: NOT fully up');
      return ok ? 0 : 1;
    }
    case 'upgrade': {
      const network = Network.open(settings.runRoot, log);
      const { version, sequence } = await network.upgrade();
      out(`chaincode ${settings.topology.chaincode} upgraded to ${version} (sequence ${sequence})`);
      return 0;
    }
    default:
      err(`unknown command: ${command}\n`);
      err(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(
      e instanceof LicenceError
        ? `error: ${e.message}`
        : `error: ${e instanceof Error ? e.stack : String(e)}`,
    );
    process.exitCode = 1;
  },
);
