import { DemoStorage } from '../../src/storage/demo/index.js';
import { describeStorageConformance } from './conformance.js';

describeStorageConformance(
  'DemoStorage',
  { make: () => new DemoStorage() },
  {
    skip: {
      readOnly:
        'DemoStorage is read-only only through a read-only changes storage (see demo-storage.test.ts)',
      durability: 'the default changes storage is in memory',
    },
  },
);

describeStorageConformance(
  'DemoStorage pushed on a DemoStorage',
  { make: () => new DemoStorage().push() },
  {
    skip: {
      readOnly:
        'DemoStorage is read-only only through a read-only changes storage (see demo-storage.test.ts)',
      durability: 'the default changes storage is in memory',
    },
  },
);
