export * from './bank-model';
export * from './bank';
