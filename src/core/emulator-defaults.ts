// Where the emulator listens and which key it accepts, unless told otherwise (emulate, test).
export const DEFAULT_EMULATOR_PORT = 4747;
export const DEFAULT_EMULATOR_KEY = 'emulator-key';
