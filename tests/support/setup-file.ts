// Tests host the server build in-process: no background email worker (tests drive it), demo mode off.
process.env.EMAIL_WORKER = "off";
process.env.TRUST_PROXY = "1";
