// Starts a PLC directory (in memory) and a PDS for integration tests, both on 127.0.0.1 only.
// Environment: PDS_PORT, PLC_PORT, PDS_DATA_DIRECTORY, PDS_ADMIN_PASSWORD. Started by up.sh.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { PlcServer, Database } = require('@did-plc/server');
const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds');

const loopback = '127.0.0.1';

// Both servers call app.listen(port) without a host, which would bind every interface.
function listenOnLoopback(app) {
  const original = app.listen.bind(app);
  app.listen = (port, ...rest) => original(port, loopback, ...rest);
}

async function start() {
  const plcPort = Number(process.env.PLC_PORT || 52582);
  const pdsPort = Number(process.env.PDS_PORT || 52583);
  const dataDirectory = process.env.PDS_DATA_DIRECTORY || path.join(__dirname, 'data');
  // Every start is a fresh network: the PLC directory lives in memory, so old repositories would dangle.
  fs.rmSync(dataDirectory, { recursive: true, force: true });
  fs.mkdirSync(path.join(dataDirectory, 'blobs'), { recursive: true });

  const plc = PlcServer.create({ db: Database.mock(), port: plcPort });
  listenOnLoopback(plc.app);
  await plc.start();

  process.env.PDS_HOSTNAME = 'localhost';
  process.env.PDS_PORT = String(pdsPort);
  process.env.PDS_DEV_MODE = 'true';
  process.env.PDS_DATA_DIRECTORY = dataDirectory;
  process.env.PDS_BLOBSTORE_DISK_LOCATION = path.join(dataDirectory, 'blobs');
  process.env.PDS_DID_PLC_URL = `http://${loopback}:${plcPort}`;
  process.env.PDS_SERVICE_HANDLE_DOMAINS = '.test';
  process.env.PDS_INVITE_REQUIRED = 'false';
  process.env.PDS_JWT_SECRET = crypto.randomBytes(16).toString('hex');
  process.env.PDS_ADMIN_PASSWORD = process.env.PDS_ADMIN_PASSWORD || crypto.randomBytes(16).toString('hex');
  process.env.PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX = crypto.randomBytes(32).toString('hex');
  // Tests create many accounts and posts in a burst; the adapter's own rate-limit handling is tested with stubs.
  process.env.PDS_RATE_LIMITS_ENABLED = 'false';
  process.env.PDS_CRAWLERS = '';
  process.env.LOG_ENABLED = process.env.LOG_ENABLED || 'false';

  const environment = readEnv();
  const pds = await PDS.create(envToCfg(environment), envToSecrets(environment));
  listenOnLoopback(pds.app);
  await pds.start();
  console.log(`PLC http://${loopback}:${plcPort} and PDS http://${loopback}:${pdsPort} are ready`);

  const stop = async () => {
    await pds.destroy();
    await plc.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

start().catch((error) => {
  console.error(error);
  process.exit(1);
});
