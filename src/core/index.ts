// The public surface of the pure domain: no `vscode`, no network, no processes (a unit test
// scans this folder). The extension, the cluster layer and the sandbox import from here.
export * from './k8sTypes';
export * from './labels';
export * from './quantity';
export * from './stressSize';
export * from './qos';
export * from './cgroup';
export * from './memorySources';
export * from './podMemory';
export * from './stressPrediction';
export * from './sampler';
export * from './oomEvents';
export * from './timeSeries';
export * from './stressChaos';
export * from './stressChaosSchema';
export * from './validateStressChaos';
export * from './yamlPaths';
export * from './stressChaosHelp';
export * from './targetHints';
export * from './settings';
export * from './oomKillOrder';
export * from './stressOutcome';
