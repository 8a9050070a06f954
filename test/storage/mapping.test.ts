import { MappingStorage } from '../../src/storage/mapping/index.js';
import { describeStorageConformance } from './conformance.js';

describeStorageConformance(
  'MappingStorage',
  { make: () => new MappingStorage({ name: 'conformance' }) },
  {
    skip: {
      readOnly: 'an in-memory storage cannot be reopened read-only (see mapping-storage.test.ts)',
      durability: 'an in-memory storage keeps nothing after close',
    },
  },
);
