import { segmentsFor } from './segments';

describe('segmentsFor', () => {
  const cps = [{ seq: '10' }, { seq: '20' }, { seq: '30' }];

  it('gives, per row, the run from the checkpoint before it through the checkpoint at or after it', () => {
    expect(segmentsFor(['5'], cps)).toEqual([{ afterCheckpoint: null, throughCheckpoint: '10' }]);
    expect(segmentsFor(['10'], cps)).toEqual([{ afterCheckpoint: null, throughCheckpoint: '10' }]);
    expect(segmentsFor(['11', '19', '25'], cps)).toEqual([
      { afterCheckpoint: '10', throughCheckpoint: '20' },
      { afterCheckpoint: '20', throughCheckpoint: '30' },
    ]);
  });

  it('orders numerically (9 before 10) and refuses a row past the last checkpoint', () => {
    expect(segmentsFor(['95', '9'], [{ seq: '9' }, { seq: '100' }]).map((s) => s.throughCheckpoint)).toEqual(['9', '100']);
    expect(() => segmentsFor(['31'], cps)).toThrow(/no checkpoint at or after row 31/);
  });
});
