// Browser tests start a server and Chromium: give each test more than jest's default 5 s.
jest.setTimeout(60_000);
